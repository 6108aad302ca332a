"""The benchmark's synthetic data: seeded, valid N-Quads, shaped as docs/model.md says."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from bench.generate import generate

ROOT = Path(__file__).resolve().parents[2]
SCKG = "https://w3id.org/sckg/ontology#"
STUDY = "https://w3id.org/sckg/graph/study"
PARTNER = "https://w3id.org/sckg/graph/partner/bench/indicators"


def _store(lines) -> ox.Store:
    s = ox.Store()
    s.load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return s


def _one(store: ox.Store, text: str) -> int:
    return int(next(iter(store.query(text, use_default_graph_as_union=True)))["n"].value)


def test_same_seed_same_data_other_seed_other_data():
    assert list(generate(50, seed=7)) == list(generate(50, seed=7))
    assert list(generate(50, seed=7)) != list(generate(50, seed=8))


def test_every_practice_has_the_links_the_model_requires():
    s = _store(generate(200))
    assert _one(s, f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{SCKG}Practice> }}") == 200
    for prop in ("city", "axis", "edition"):
        missing = f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{SCKG}Practice> FILTER NOT EXISTS {{ ?p <{SCKG}{prop}> ?x }} }}"
        assert _one(s, missing) == 0, prop
    dangling = (f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?p <{SCKG}city> ?c "
                f"FILTER NOT EXISTS {{ ?c a <{SCKG}City> ; <{SCKG}country> ?k ; <{SCKG}region> ?r ; "
                f"<http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat }} }}")
    assert _one(s, dangling) == 0
    featured = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?e <{SCKG}featuresPractice> ?p . ?p a <{SCKG}Practice> }}"
    assert _one(s, featured) > 0
    axis_fr = ("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?p <%saxis> ?a . "
               "?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(lang(?l) = 'fr') }" % SCKG)
    assert _one(s, axis_fr) == 6
    assert {g.value for g in s.named_graphs()} == {STUDY, "https://w3id.org/sckg/graph/vocab"}


def test_observations_go_to_the_partner_graph_one_per_city_year_indicator():
    plain = _store(generate(80, vocab=False))
    with_obs = _store(generate(80, observations=True, vocab=False))
    cities = _one(plain, f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{SCKG}City> }}")
    obs = _one(with_obs, "SELECT (COUNT(?o) AS ?n) WHERE { GRAPH <%s> { ?o a <http://purl.org/linked-data/cube#Observation> } }"
               % PARTNER)
    assert obs == cities * 14 * 4
    assert len(with_obs) - len(plain) == obs * 7 + 2


def test_the_command_line_writes_the_file(tmp_path):
    out = tmp_path / "s.nq"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--practices", "30", "--out", str(out)],
                   check=True)
    assert out.read_text(encoding="utf-8") == "".join(generate(30))
