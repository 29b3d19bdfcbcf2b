"""Read, validate and load the framework files in `portal/assessment/frameworks/`.

Each YAML file is one version of one variant. A file is checked completely before anything is
written, and a mistake fails loudly with the file and the field named. Loading is idempotent: a
(variant, version) already in the database is left alone, so past assessments keep the wording
they were answered against. To change the wording, add a file with a higher version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from ..extensions import db
from .guides import guide_slugs
from .models import LEVELS, VARIANTS, Criterion, Dimension, Framework

FRAMEWORK_DIR = Path(__file__).parent / "frameworks"
CODE_MAX = 40


class FrameworkFileError(ValueError):
    """A framework file is malformed; the message names the file and the field."""


@dataclass
class CriterionSpec:
    code: str
    title: str
    question: str
    levels: dict[int, str]
    guide: str | None


@dataclass
class DimensionSpec:
    code: str
    title: str
    summary: str
    criteria: list[CriterionSpec] = field(default_factory=list)


@dataclass
class FrameworkSpec:
    variant: str
    version: int
    title: str
    introduction: str
    source_file: str
    dimensions: list[DimensionSpec] = field(default_factory=list)


def _text(data: dict[str, Any], key: str, where: str, *, max_length: int = 2000) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FrameworkFileError(f"{where}.{key}: must be non-empty text")
    if len(value) > max_length:
        raise FrameworkFileError(f"{where}.{key}: longer than {max_length} characters")
    return value.strip()


def parse_framework(text: str, source: str) -> FrameworkSpec:
    """Validate one framework document; raise FrameworkFileError naming `source` and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FrameworkFileError(f"{source}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise FrameworkFileError(f"{source}: the top level must be a mapping")
    where = source
    variant = data.get("variant")
    if variant not in VARIANTS:
        raise FrameworkFileError(f"{where}.variant: must be one of {', '.join(VARIANTS)}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FrameworkFileError(f"{where}.version: must be a whole number of 1 or more")
    spec = FrameworkSpec(
        variant=variant,
        version=version,
        title=_text(data, "title", where, max_length=160),
        introduction=str(data.get("introduction") or "").strip(),
        source_file=Path(source).name,
    )
    dimensions = data.get("dimensions")
    if not isinstance(dimensions, list) or not 1 <= len(dimensions) <= 8:
        raise FrameworkFileError(f"{where}.dimensions: must be a list of 1 to 8 dimensions")
    known_guides = guide_slugs()
    seen_codes: set[str] = set()
    for d_index, raw_dimension in enumerate(dimensions):
        d_where = f"{where}.dimensions[{d_index}]"
        if not isinstance(raw_dimension, dict):
            raise FrameworkFileError(f"{d_where}: must be a mapping")
        dimension = DimensionSpec(
            code=_code(raw_dimension, d_where, seen_codes),
            title=_text(raw_dimension, "title", d_where, max_length=120),
            summary=str(raw_dimension.get("summary") or "").strip(),
        )
        criteria = raw_dimension.get("criteria")
        if not isinstance(criteria, list) or not 3 <= len(criteria) <= 6:
            raise FrameworkFileError(f"{d_where}.criteria: must be a list of 3 to 6 criteria")
        for c_index, raw_criterion in enumerate(criteria):
            c_where = f"{d_where}.criteria[{c_index}]"
            if not isinstance(raw_criterion, dict):
                raise FrameworkFileError(f"{c_where}: must be a mapping")
            dimension.criteria.append(_criterion(raw_criterion, c_where, seen_codes, known_guides))
        spec.dimensions.append(dimension)
    return spec


def _code(data: dict[str, Any], where: str, seen: set[str]) -> str:
    code = data.get("code")
    if not isinstance(code, str) or not code or len(code) > CODE_MAX:
        raise FrameworkFileError(f"{where}.code: must be text of 1 to {CODE_MAX} characters")
    if not all(ch.isalnum() or ch in "-_" for ch in code):
        raise FrameworkFileError(f"{where}.code: only letters, digits, - and _ are allowed")
    if code in seen:
        raise FrameworkFileError(f"{where}.code: '{code}' is used twice in this file")
    seen.add(code)
    return code


def _criterion(
    data: dict[str, Any], where: str, seen: set[str], known_guides: set[str]
) -> CriterionSpec:
    code = _code(data, where, seen)
    levels = data.get("levels")
    if not isinstance(levels, dict) or set(levels) != set(LEVELS):
        raise FrameworkFileError(f"{where}.levels: must describe exactly the levels 1, 2, 3 and 4")
    descriptors = {}
    for level in LEVELS:
        value = levels[level]
        if not isinstance(value, str) or not value.strip():
            raise FrameworkFileError(f"{where}.levels.{level}: must be non-empty text")
        descriptors[level] = value.strip()
    guide = data.get("guide")
    if guide is not None and guide not in known_guides:
        raise FrameworkFileError(f"{where}.guide: no good-practice guide called '{guide}'")
    return CriterionSpec(
        code=code,
        title=_text(data, "title", where, max_length=160),
        question=str(data.get("question") or "").strip(),
        levels=descriptors,
        guide=guide,
    )


def read_framework_files(directory: Path = FRAMEWORK_DIR) -> list[FrameworkSpec]:
    """Every framework file in `directory`, validated; duplicates of (variant, version) fail."""
    specs: list[FrameworkSpec] = []
    seen: dict[tuple[str, int], str] = {}
    for path in sorted(directory.glob("*.yaml")):
        spec = parse_framework(path.read_text(encoding="utf-8"), path.name)
        key = (spec.variant, spec.version)
        if key in seen:
            raise FrameworkFileError(
                f"{path.name}.version: {spec.variant} version {spec.version} "
                f"is also defined in {seen[key]}"
            )
        seen[key] = path.name
        specs.append(spec)
    return specs


def load_frameworks(directory: Path = FRAMEWORK_DIR) -> list[Framework]:
    """Add framework versions not yet in the database (add + flush); returns the new ones."""
    specs = read_framework_files(directory)
    existing = {(f.variant, f.version) for f in db.session.scalars(select(Framework))}
    added = []
    for spec in specs:
        if (spec.variant, spec.version) in existing:
            continue
        framework = Framework(
            variant=spec.variant,
            version=spec.version,
            title=spec.title,
            introduction=spec.introduction,
            source_file=spec.source_file,
        )
        for d_position, d_spec in enumerate(spec.dimensions):
            dimension = Dimension(
                code=d_spec.code, title=d_spec.title, summary=d_spec.summary, position=d_position
            )
            for c_position, c_spec in enumerate(d_spec.criteria):
                dimension.criteria.append(
                    Criterion(
                        code=c_spec.code,
                        title=c_spec.title,
                        question=c_spec.question,
                        level_1=c_spec.levels[1],
                        level_2=c_spec.levels[2],
                        level_3=c_spec.levels[3],
                        level_4=c_spec.levels[4],
                        guide_slug=c_spec.guide,
                        position=c_position,
                    )
                )
            framework.dimensions.append(dimension)
        db.session.add(framework)
        added.append(framework)
    db.session.flush()
    return added


def latest_framework(variant: str) -> Framework | None:
    return db.session.scalar(
        select(Framework).where(Framework.variant == variant).order_by(Framework.version.desc())
    )
