# Source: Dive into Deep Learning, "Probability and Statistics" (PyTorch tab), both editions:
#   https://d2l.ai/chapter_preliminaries/probability.html (a coin) and
#   https://classic.d2l.ai/chapter_preliminaries/probability.html (a fair die)
# Changed: seeded with random.seed / torch.manual_seed so the printed draws are reproducible; the d2l plots
#   of the running estimates are replaced by prints of their first and last rows.
import random

import torch
from torch.distributions import multinomial
from torch.distributions.multinomial import Multinomial

random.seed(0)
torch.manual_seed(0)

# d2l 1.0: tossing a coin
num_tosses = 100
heads = sum([random.random() > 0.5 for _ in range(num_tosses)])
tails = num_tosses - heads
print("heads, tails: ", [heads, tails])

fair_probs = torch.tensor([0.5, 0.5])
print(Multinomial(100, fair_probs).sample())
print(Multinomial(100, fair_probs).sample() / 100)
counts = Multinomial(10000, fair_probs).sample()
print(counts / 10000)

counts = Multinomial(1, fair_probs).sample((10000,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
estimates = estimates.numpy()
print(estimates[:3], estimates[-1])

# classic d2l: rolling a die
fair_probs = torch.ones([6]) / 6
print(multinomial.Multinomial(1, fair_probs).sample())
print(multinomial.Multinomial(10, fair_probs).sample())
counts = multinomial.Multinomial(1000, fair_probs).sample()
print(counts / 1000)  # relative frequency as the estimate

counts = multinomial.Multinomial(10, fair_probs).sample((500,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
print(estimates[:3])
print(estimates[-1])
print(counts.shape, counts.dtype, counts.sum(dim=1)[:5])
