"""Where the tests' files are: tests/fixtures/, and the demo portal's content for the reports it shows."""

from __future__ import annotations

from pathlib import Path

from demo_portal.catalog import CONTENT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"  # report texts and expected cells
DOCUMENTS = FIXTURES / "documents"  # PDF, Word and Excel files
PINGTAN = FIXTURES / "pingtan"  # real 平潭 report pages (corpus 001–019)
UNSEEN = FIXTURES / "unseen"  # real 平潭 report pages not in the shared corpus
COLUMNS = FIXTURES / "columns"  # real report-column pages
DEMO_CONTENT = CONTENT  # the demo portal's copies of real reports, read in place

# Test fixtures that are the very files the demo portal shows: one copy, the product's (by fixture name).
SHOWN_BY_THE_DEMO = {
    "corpus_006.txt": "pingtan_006.txt",
    "corpus_008.txt": "pingtan_008.txt",
    "corpus_011.txt": "pingtan_011.txt",
    "corpus_013.txt": "pingtan_013.txt",
    "corpus_015.txt": "pingtan_015.txt",
    "corpus_017.txt": "pingtan_017.txt",
    "corpus_019.txt": "pingtan_019.txt",
    "corpus_021.html": "shanghai_021.html",
    "corpus_025.txt": "stcsm_025.txt",
    "seed_000.txt": "seed_000.txt",
    "documents/022.pdf": "hongze_022.pdf",
}


def fixture_path(name: str) -> Path:
    """A fixture by its path under tests/fixtures; the demo's file where the demo shows that report."""
    shown = SHOWN_BY_THE_DEMO.get(name)
    return Path(str(DEMO_CONTENT / shown)) if shown else FIXTURES / name


def document_path(name: str) -> Path:
    """A document file (PDF, Word, Excel) by its name."""
    return fixture_path(f"documents/{name}")


def corpus_paths() -> list[Path]:
    """Every corpus_* fixture (texts, pages and their JSON), in name order, wherever it is kept."""
    names = {path.name for path in FIXTURES.glob("corpus_*.*")} | {
        name for name in SHOWN_BY_THE_DEMO if name.startswith("corpus_")}
    return [fixture_path(name) for name in sorted(names)]
