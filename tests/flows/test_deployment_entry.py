"""deploy/prefect.yaml names a flow that exists, at the composition edge, with the parameters the file sets."""

from __future__ import annotations

from pathlib import Path

import yaml
from prefect.flows import load_flow_from_entrypoint

REPO = Path(__file__).resolve().parents[2]


def test_every_deployment_entrypoint_loads_the_ingest_flow_with_its_parameters() -> None:
    config = yaml.safe_load((REPO / "deploy" / "prefect.yaml").read_text(encoding="utf-8"))
    deployments = config["deployments"]
    assert deployments
    for deployment in deployments:
        # The worker starts the flow from JSON parameters only, so the entry must be the edge that reads settings.
        assert deployment["entrypoint"].startswith("sohoa/"), deployment["entrypoint"]
        flow = load_flow_from_entrypoint(str(REPO / deployment["entrypoint"]))
        assert flow.name == "sohoa-ingest"
        accepted = set(flow.parameters.properties)
        assert set(deployment.get("parameters", {})) <= accepted, deployment["name"]
        assert "paths" in flow.parameters.required
