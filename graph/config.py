"""One settings class for the whole application, read from ``INTEGRATIONSGRAPH_*`` variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[1]
"""The project's folder (ontology/, shapes/ and data/ live beside graph/)."""

GRAPH_BASE = "https://w3id.org/integrationsgraph/graph/"
ONTOLOGY_NS = "https://w3id.org/integrationsgraph/ontology#"
SHAPES_NS = "https://w3id.org/integrationsgraph/shapes#"


class Settings(BaseSettings):
    """Configuration of integrationsgraph; every field is one environment variable."""

    model_config = SettingsConfigDict(env_prefix="INTEGRATIONSGRAPH_", extra="ignore")

    store: Path = Field(
        default=Path("var/store"),
        description="Folder of the embedded on-disk store (created on first use).",
    )
    base_iri: str = Field(
        default="https://w3id.org/integrationsgraph/id/",
        description="Base IRI of the instance resources (the shipped data uses the default).",
    )
    ontology_dir: Path = Field(
        default=ROOT / "ontology", description="Folder with the ontology in Turtle (loaded at start-up)."
    )
    shapes_dir: Path = Field(
        default=ROOT / "shapes", description="Folder with the SHACL shapes in Turtle (loaded at start-up)."
    )
    data_dir: Path = Field(
        default=ROOT / "data",
        description="Folder with one sub-folder per dataset; each is loaded into its own named graph on first start.",
    )
    datasets: list[str] = Field(
        default=["rheine", "musterstadt"],
        description="Datasets (sub-folders of the data folder) loaded on first start, as a JSON list.",
    )
    write_token: SecretStr | None = Field(
        default=None,
        description="Bearer token that writes must present; without one, every write over HTTP is refused.",
    )


def graph_iri(name: str) -> str:
    """The IRI of the named graph called ``name`` (a dataset, ``ontology`` or ``shapes``)."""
    return f"{GRAPH_BASE}{name}"


ONTOLOGY_GRAPH = graph_iri("ontology")
SHAPES_GRAPH = graph_iri("shapes")


def settings_markdown() -> str:
    """The README's configuration table, generated from :class:`Settings` (a test keeps them equal)."""
    prefix = Settings.model_config.get("env_prefix", "")
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, info in Settings.model_fields.items():
        default = info.default
        if isinstance(default, Path):
            shown = (
                str(default.relative_to(ROOT))
                if default.is_absolute() and default.is_relative_to(ROOT)
                else str(default)
            )
        elif isinstance(default, list):
            shown = "[" + ", ".join(f'"{d}"' for d in default) + "]"
        else:
            shown = "—" if default is None else str(default)
        rows.append(f"| `{prefix}{name.upper()}` | `{shown}` | {info.description} |")
    return "\n".join(rows) + "\n"
