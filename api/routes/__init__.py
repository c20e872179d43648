"""One ``APIRouter`` per concern."""
