# Source: Stack Overflow, "Early stopping in PyTorch" https://stackoverflow.com/questions/71998978
#   (the EarlyStopper class of the accepted answer) with a regression training loop.
# Changed: synthetic data; at most 30 epochs; seeded; the best model kept with copy.deepcopy(state_dict).
import copy

import torch
from torch import nn


class EarlyStopper:
    def __init__(self, patience=1, min_delta=0):
        self.patience = patience
        self.min_delta = min_delta
        self.counter = 0
        self.min_validation_loss = float('inf')

    def early_stop(self, validation_loss):
        if validation_loss < self.min_validation_loss:
            self.min_validation_loss = validation_loss
            self.counter = 0
        elif validation_loss > (self.min_validation_loss + self.min_delta):
            self.counter += 1
            if self.counter >= self.patience:
                return True
        return False


torch.manual_seed(0)
X = torch.randn(40, 3)
y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3 * torch.randn(40, 1)
X_train, y_train, X_val, y_val = X[:30], y[:30], X[30:], y[30:]

model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
criterion = nn.MSELoss()
early_stopper = EarlyStopper(patience=3, min_delta=0.01)
best_state, best_loss = None, float('inf')
for epoch in range(30):
    model.train()
    optimizer.zero_grad()
    loss = criterion(model(X_train), y_train)
    loss.backward()
    optimizer.step()
    model.eval()
    with torch.no_grad():
        validation_loss = criterion(model(X_val), y_val).item()
    if validation_loss < best_loss:
        best_loss, best_state = validation_loss, copy.deepcopy(model.state_dict())
    print(f"epoch {epoch:2d} train {loss.item():.5f} val {validation_loss:.5f}")
    if early_stopper.early_stop(validation_loss):
        print("stopping early")
        break
model.load_state_dict(best_state)
with torch.no_grad():
    print(criterion(model(X_val), y_val), best_loss)
