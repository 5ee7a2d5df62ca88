"""The editorial roles and what each may do. Used by the data migration and the tests."""

EDITOR = "Editor"
PUBLISHER = "Publisher"
ADMINISTRATOR = "Administrator"

EDITORIAL_MODELS = [
    "affiliation",
    "backgroundnote",
    "candidacy",
    "commentrequest",
    "election",
    "event",
    "organization",
    "person",
    "position",
    "race",
    "reaction",
    "source",
    "statement",
    "statementsource",
    "statementtopic",
    "topic",
]


def codenames_for(role: str) -> list[str]:
    """Editors add, change and view; publishers may also publish and delete."""
    actions = ["add", "change", "view"]
    if role in (PUBLISHER, ADMINISTRATOR):
        actions.append("delete")
    names = [f"{action}_{model}" for model in EDITORIAL_MODELS for action in actions]
    if role in (PUBLISHER, ADMINISTRATOR):
        names.append("publish_records")
    return names
