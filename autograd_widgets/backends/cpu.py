"""torch.backends.cpu: the SIMD level PyTorch's kernels would use; this package rounds as its AVX2 kernels do
where it emulates them (arange, the random number generators)."""


def get_cpu_capability() -> str:
    return "AVX2"
