"""`split_models`: a big models module becomes a package, one module per cycle of models."""

from __future__ import annotations

from oaskit.render import split_models

HEADER = "# generated"


def _source(rebuilds: str) -> str:
    fillers = "".join(f"\n\nclass Filler{n}(BaseModel):\n    value: int\n" for n in range(3))
    return (
        "from __future__ import annotations\n\nfrom pydantic import BaseModel\n\n\n"
        "class Node(BaseModel):\n    branch: Branch | None = None\n\n\n"
        "class Branch(BaseModel):\n    nodes: list[Node]\n\n\n"
        "class Tree(BaseModel):\n    root: Node\n" + fillers + rebuilds
    )


def test_keeps_one_module_when_source_defines_no_more_than_the_limit() -> None:
    source = _source("")

    assert split_models(source, header=HEADER, package="p", limit=10) == {"models.py": source}


def test_puts_model_rebuild_after_its_model_when_models_form_a_cycle() -> None:
    source = _source("\n\nNode.model_rebuild()\nTree.model_rebuild()\n")

    files = split_models(source, header=HEADER, package="p", limit=2)

    assert "models.py" not in files
    node_module = files["models/_node.py"]
    assert "class Node" in node_module
    assert "class Branch" in node_module
    assert node_module.rstrip().endswith("Node.model_rebuild()")
    tree_module = files["models/_tree.py"]
    assert "from p.models._node import Node" in tree_module
    assert tree_module.rstrip().endswith("Tree.model_rebuild()")
    assert all("model_rebuild" not in text for name, text in files.items() if "filler" in name)


def test_keeps_one_module_when_a_rebuild_names_no_model_of_the_source() -> None:
    source = _source("\n\nElsewhere.model_rebuild()\n")

    assert split_models(source, header=HEADER, package="p", limit=2) == {"models.py": source}


CLUSTERS = """from __future__ import annotations

from pydantic import BaseModel


class Repo(BaseModel):
    owner: RepoOwner
    license: License


class RepoOwner(BaseModel):
    login: str


class License(BaseModel):
    key: str


class Gist(BaseModel):
    owner: GistOwner
    license: License


class GistOwner(BaseModel):
    login: str
"""


def test_joins_model_to_its_only_referrer_when_it_is_no_entry() -> None:
    files = split_models(
        CLUSTERS, header=HEADER, package="p", limit=2, entries={"Repo", "Gist", "License"}
    )

    assert sorted(files) == [
        "models/__init__.py",
        "models/_gist.py",
        "models/_license.py",
        "models/_repo.py",
    ]
    assert "class RepoOwner" in files["models/_repo.py"]
    assert "class GistOwner" in files["models/_gist.py"]
    assert "from p.models._license import License" in files["models/_repo.py"]
    assert "'RepoOwner': '_repo'" in files["models/__init__.py"]


def test_keeps_one_module_per_group_when_no_entries_are_given() -> None:
    files = split_models(CLUSTERS, header=HEADER, package="p", limit=2)

    assert "models/_repo_owner.py" in files
