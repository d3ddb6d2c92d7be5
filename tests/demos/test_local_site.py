import socket
import threading
import time

import pytest
import requests

from gilviz.demos.local_site import HOST, LocalSite


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((HOST, port)) != 0


def test_pages_answer_after_the_latency_with_the_size_asked():
    with LocalSite(latency_s=0.1, page_kib=3) as site:
        started = time.perf_counter()
        response = requests.get(site.url("python.org"), timeout=5)
        took = time.perf_counter() - started
        assert response.status_code == 200 and len(response.content) == 3 * 1024
        assert 0.09 <= took < 1.0
        odd = requests.get(site.url("x", kib=1, status=500, delay=0), timeout=5)
        assert odd.status_code == 500 and len(odd.content) == 1024


def test_the_site_listens_on_loopback_only_and_its_port_closes_with_it():
    site = LocalSite(0.0, 1).start()
    port = site.port
    assert site.url("a").startswith(f"http://127.0.0.1:{port}/")
    assert site._server.server_address[0] == "127.0.0.1"
    assert requests.get(site.url("a"), timeout=5).ok
    site.close()
    assert port_is_closed(port)
    site.close()  # twice is fine
    assert not any(t.name == "gilviz-local-site" for t in threading.enumerate())


def test_closing_cuts_a_slow_page_short():
    site = LocalSite(0.0, 1).start()
    answers: list[int] = []

    def ask() -> None:
        answers.append(requests.get(site.url("slow", delay=20), timeout=30).status_code)

    client = threading.Thread(target=ask)
    client.start()
    time.sleep(0.2)  # the handler is now waiting
    started = time.perf_counter()
    site.close()  # joins the handler thread too
    assert time.perf_counter() - started < 1.0
    client.join(5)
    assert answers == [503]


def test_the_refused_url_refuses_until_the_site_closes():
    with LocalSite(0.0, 1) as site:
        url = site.refused_url()
        assert url == site.refused_url()  # one port, kept for the whole run
        with pytest.raises(requests.ConnectionError, match="refused"):
            requests.get(url, timeout=2)
