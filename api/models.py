"""Pydantic models of the REST API, built from the field table in :mod:`graph.resources.kinds`.

Per kind: ``{Name}`` (what GET returns), ``{Name}Eingabe`` (POST and PUT), ``{Name}Aenderung``
(PATCH: every field optional; a field sent replaces that field, ``null`` removes it) and
``{Name}Liste`` (a page of a list). Inputs forbid unknown fields, so a typo is a 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from integrationsgraph.graph.resources.as_json import local_name
from integrationsgraph.graph.resources.kinds import KINDS, VOCABS, Kind
from integrationsgraph.graph.resources.kinds import Field as KindField

MAX_TEXT = 20_000
MAX_IRI = 2_000
MAX_ITEMS = 500
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class LangText(BaseModel):
    """A text per language (``de``, ``en``)."""

    model_config = ConfigDict(extra="forbid")
    de: str | None = Field(default=None, max_length=MAX_TEXT, description="Deutsch")
    en: str | None = Field(default=None, max_length=MAX_TEXT, description="English")


class Label(LangText):
    """A name: German required, English optional."""

    de: str = Field(min_length=1, max_length=MAX_TEXT, description="Deutsch (Pflicht)")


class LangTexts(BaseModel):
    """Several texts per language (tasks, alternative names)."""

    model_config = ConfigDict(extra="forbid")
    de: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    en: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)


class Deleted(BaseModel):
    """What a DELETE removed (with ``?cascade=true`` possibly more than the resource itself)."""

    geloescht: list[str] = Field(description="IRIs der gelöschten Ressourcen")


def _vocab_type(name: str) -> Any:
    return Literal[tuple(VOCABS[name])]


def _input_type(f: KindField, *, required_label: bool) -> tuple[Any, Any]:
    desc = f.description or f"Eigenschaft <{f.predicate}>"
    base: Any
    constraint: dict[str, Any] = {}
    if f.type == "lang":
        if f.name == "label" and required_label:
            return Label, Field(description=desc)
        base = LangText
    elif f.type == "lang_many":
        base = LangTexts
    elif f.type == "string":
        base, constraint = str, {"max_length": MAX_TEXT}
    elif f.type == "iri":
        base, constraint = str, {"min_length": 1, "max_length": MAX_IRI}
    elif f.type == "date":
        base = dt.date
    elif f.type == "decimal":
        base, constraint = Decimal, {"allow_inf_nan": False, "ge": -(10**15), "le": 10**15}
    elif f.type == "integer":
        base, constraint = int, {"ge": -(10**9), "le": 10**9}
    elif f.type == "boolean":
        base = bool
    else:
        assert f.vocab is not None
        base = _vocab_type(f.vocab)
    if f.many:
        item: Any = base
        if constraint:
            item = Annotated[base, Field(**constraint)]
        return list[item] | None, Field(default=None, max_length=MAX_ITEMS, description=desc)
    return base | None, Field(default=None, description=desc, **constraint)


def _output_type(f: KindField) -> Any:
    if f.type == "lang":
        return dict[str, str]
    if f.type == "lang_many":
        return dict[str, list[str]]
    if f.many:
        return list[str]
    if f.type == "integer":
        return int | str
    if f.type == "boolean":
        return bool
    return str


def _class_name(kind: Kind) -> str:
    return local_name(kind.classes[0]) if not kind.typed else "Akteur"


@dataclass(frozen=True)
class KindModels:
    """The models of one kind."""

    output: type[BaseModel]
    create: type[BaseModel]
    replace: type[BaseModel]
    patch: type[BaseModel]
    page: type[BaseModel]


def _models(kind: Kind) -> KindModels:
    name = _class_name(kind)
    strict = ConfigDict(extra="forbid")
    out_fields: dict[str, Any] = {
        "iri": (str, Field(description="Die IRI der Ressource (dereferenzierbar)")),
        "slug": (str, Field(description="Der letzte Teil der IRI")),
        "datensatz": (str, Field(description="Der Datensatz (benannter Graph)")),
        "typ": (list[str], Field(description="Klassen (Kurzname)")),
    }
    in_fields: dict[str, Any] = {}
    patch_fields: dict[str, Any] = {}
    if kind.typed:
        typ: Any = list.__class_getitem__(_vocab_type("akteurstyp"))
        in_fields["typ"] = (typ, Field(min_length=1, max_length=3, description="Art(en) des Akteurs"))
        patch_fields["typ"] = (typ | None, Field(default=None, min_length=1, max_length=3))
    for f in kind.fields:
        out_fields[f.name] = (_output_type(f) | None, Field(default=None, description=f.description or None))
        in_fields[f.name] = _input_type(f, required_label=True)
        patch_fields[f.name] = _input_type(f, required_label=False)
    output = create_model(name, __doc__=f"{kind.label_de} ({kind.label_en})", **out_fields)
    data = create_model(f"{name}Eingabe", __config__=strict, __doc__=f"{kind.label_de}: neu oder ersetzt", **in_fields)
    create = create_model(
        f"{name}Neu",
        __base__=data,
        __doc__=f"{kind.label_de}: neu anlegen (ohne ``slug`` wird er aus der Bezeichnung gebildet)",
        slug=(str | None, Field(default=None, pattern=SLUG_PATTERN, max_length=120, description="Kurzname")),
    )
    patch = create_model(f"{name}Aenderung", __config__=strict, __doc__=f"{kind.label_de}: ändern", **patch_fields)
    page = create_model(
        f"{name}Liste",
        __doc__=f"Eine Seite der {kind.label_de}-Liste",
        items=(list[output], ...),  # type: ignore[valid-type]
        total=(int, Field(description="Treffer insgesamt")),
        limit=(int, ...),
        offset=(int, ...),
        next=(str | None, Field(default=None, description="Die nächste Seite")),
    )
    return KindModels(output=output, create=create, replace=data, patch=patch, page=page)


MODELS: dict[str, KindModels] = {path: _models(kind) for path, kind in KINDS.items()}


class Knoten(BaseModel):
    """A linked resource in a tree: IRI, label, code."""

    iri: str
    label: str
    code: str | None = None


class Wert(BaseModel):
    wert: str
    stichtag: str


class Vorgabe(BaseModel):
    iri: str
    ausgangswert: str | None = None
    ausgangsdatum: str | None = None
    zielwert: str | None = None
    zieldatum: str | None = None


class IndikatorImBaum(Knoten):
    einheit: str | None = None
    letzter_wert: Wert | None = Field(default=None, description="Neuester Messwert (MAX(Stichtag))")
    zielvorgabe: Vorgabe | None = None


class MassnahmeImBaum(Knoten):
    status: str | None = None
    federfuehrend: Knoten | None = None
    kooperationspartner: list[Knoten] = Field(default_factory=list)


class HandlungszielImBaum(Knoten):
    messbar: bool
    terminiert: bool
    indikatoren: list[IndikatorImBaum]
    massnahmen: list[MassnahmeImBaum]


class LeitzielImBaum(Knoten):
    indikatoren: list[IndikatorImBaum]
    handlungsziele: list[HandlungszielImBaum]


class AkteurImBaum(Knoten):
    rollen: dict[str, int] = Field(description="Rolle → Zahl der Maßnahmen")


class Baum(BaseModel):
    """The goal chain of one Handlungsfeld: Leitziel → Handlungsziel → Maßnahme, with indicators."""

    feld: Knoten
    leitziele: list[LeitzielImBaum]
    akteure: list[AkteurImBaum]
    netzwerke: list[Knoten]


class Zaehlung(BaseModel):
    leitziele: int
    handlungsziele: int
    handlungsziele_messbar: int
    handlungsziele_terminiert: int
    massnahmen: int
    massnahmen_mit_federfuehrung: int
    massnahmen_mit_indikator: int


class Luecke(BaseModel):
    art: str
    text: str
    iri: str
    label: str
    code: str | None = None


class LeitzielBewertung(Knoten):
    zaehlung: Zaehlung
    luecken: list[Luecke]


class Vollstaendigkeit(BaseModel):
    """Completeness of one Handlungsfeld and of each of its Leitziele; each gap links its resource."""

    feld: Knoten
    zaehlung: Zaehlung
    leitziele: list[LeitzielBewertung]
    luecken: list[Luecke]
