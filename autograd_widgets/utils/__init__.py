"""torch.utils: the data-loading tools (`torch.utils.data`)."""


def __getattr__(name):
    if name == "data":  # loaded on first use, as `import torch.utils.data` does
        import importlib
        return importlib.import_module(__name__ + ".data")
    from .. import errors
    raise errors.not_supported(f"torch.utils.{name}")
