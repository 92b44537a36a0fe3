"""The server's heap settings once it has started (app.main.settle_heap)."""

import gc

from fastapi.testclient import TestClient

from app.main import YOUNG_COLLECTION_EVERY


def test_a_started_server_freezes_its_start_up_heap_and_collects_the_young_generation_less_often(client: TestClient):
    # `client` has run the app's start-up (its lifespan), as `council serve` does in each worker.
    assert client.get("/api/health").status_code == 200
    assert gc.get_freeze_count() > 0, "start-up objects are kept out of the collector's walks"
    assert gc.get_threshold()[0] == YOUNG_COLLECTION_EVERY
    # Garbage in cycles is still collected: the collector is on, only less eager.
    assert gc.isenabled()
