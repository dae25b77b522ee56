# Source: "PyTorch: Tensors" (two-layer ReLU network version), Learning PyTorch with Examples,
#   PyTorch Tutorials 1.x, https://pytorch.org/tutorials/beginner/examples_tensor/two_layer_net_tensor.html
#   (pytorch/tutorials beginner_source/examples_tensor/two_layer_net_tensor.py)
# Changed: torch.manual_seed(0) added before the data and weights are drawn; dtype = torch.double: in
#   float32 the loss falls below the resolution of its residuals after ~250 steps, and two correct
#   float32 implementations that sum in different orders print different digits from there on
#   (PyTorch itself does, with different thread counts).
import torch

torch.manual_seed(0)

dtype = torch.double  # the tutorial: torch.float
device = torch.device("cpu")
# device = torch.device("cuda:0") # Uncomment this to run on GPU

# N is batch size; D_in is input dimension;
# H is hidden dimension; D_out is output dimension.
N, D_in, H, D_out = 64, 1000, 100, 10

# Create random input and output data
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)

# Randomly initialize weights
w1 = torch.randn(D_in, H, device=device, dtype=dtype)
w2 = torch.randn(H, D_out, device=device, dtype=dtype)

learning_rate = 1e-6
for t in range(500):
    # Forward pass: compute predicted y
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum().item()
    if t % 100 == 99:
        print(t, loss)

    # Backprop to compute gradients of w1 and w2 with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)

    # Update weights using gradient descent
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
