"""torch.amp: autocast and GradScaler, as the "Automatic Mixed Precision" recipe uses them."""
from .autocast_mode import autocast, is_autocast_available, is_autocast_enabled
from .grad_scaler import GradScaler

__all__ = ["autocast", "is_autocast_available", "is_autocast_enabled", "GradScaler"]
