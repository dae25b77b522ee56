# Source: PyTorch documentation, "Probability distributions - torch.distributions",
#   https://pytorch.org/docs/stable/distributions.html : the score-function (REINFORCE) and pathwise-derivative
#   (reparameterization) examples and the class docstring examples, with the VAE loss of the PyTorch examples
#   repository, https://github.com/pytorch/examples/blob/main/vae/main.py (its KL term through kl_divergence)
# Changed: seeded; a two-line stand-in for the environment and small linear networks instead of real ones;
#   a few steps printed instead of a training run.
import torch
import torch.nn as nn
from torch.distributions import Bernoulli, Categorical, Independent, Normal, Uniform
from torch.distributions.kl import kl_divergence

torch.manual_seed(0)

# docstring examples
m = Normal(torch.tensor([0.0]), torch.tensor([1.0]))
print(m.sample())  # normally distributed with loc=0 and scale=1
m = Categorical(torch.tensor([0.25, 0.25, 0.25, 0.25]))
print(m.sample())  # equal probability of 0, 1, 2, 3
m = Bernoulli(torch.tensor([0.3]))
print(m.sample())  # 30% chance 1; 70% chance 0
m = Uniform(torch.tensor([0.0]), torch.tensor([5.0]))
print(m.sample())  # uniformly distributed in the range [0.0, 5.0)
normal = Normal(torch.zeros(3), torch.ones(3))
print([normal.batch_shape, normal.event_shape])
diagn = Independent(normal, 1)
print([diagn.batch_shape, diagn.event_shape])
print(Normal(0., 1.), Categorical(logits=torch.zeros(2, 5)), diagn)


# score function: REINFORCE on a stand-in environment that rewards action 2
def env_step(action):
    return None, (action == 2).float()


policy_network = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=-1))
optimizer = torch.optim.SGD(policy_network.parameters(), lr=0.5)
state = torch.tensor([[0.1, -0.2, 0.3, 0.4], [1.0, 0.0, -1.0, 0.5]])
for step in range(3):
    probs = policy_network(state)
    m = Categorical(probs)
    action = m.sample()
    next_state, reward = env_step(action)
    loss = (-m.log_prob(action) * reward).sum()
    optimizer.zero_grad()
    loss.backward()
    print(step, action, reward, loss, m.entropy())
    optimizer.step()
print(policy_network[0].weight.grad)
print(loss.grad_fn, loss.grad_fn.next_functions)

# pathwise derivative: a Gaussian policy whose action goes through a differentiable reward
params = nn.Linear(4, 2)
out = params(state)
m = Normal(out[:, 0], out[:, 1].exp())
action = m.rsample()
reward = -(action - 1.0) ** 2
loss = -reward.mean()
loss.backward()
print(action, loss, params.weight.grad, params.bias.grad)

# VAE: reparameterized z, KL to the standard normal prior, in closed form and as kl_divergence
encoder = nn.Linear(4, 4)
h = encoder(state)
mu, logvar = h[:, :2], h[:, 2:]
std = torch.exp(0.5 * logvar)
q = Normal(mu, std)
z = q.rsample()
kld_closed = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
kld = kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(std))).sum()
log_qz = q.log_prob(z).sum(dim=-1)
print(z, kld_closed, kld, log_qz)
(kld + log_qz.sum()).backward()
print(encoder.weight.grad)
print(kl_divergence(Independent(q, 1), Independent(Normal(0., 1.).expand(mu.shape), 1)))
