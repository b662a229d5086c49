from sitegen.urls import Urls


def test_urls_under_subpath():
    u = Urls("https://example.github.io/repo/", (("css/site.css", "css/site.abc.css"),))
    assert u.path("episodes/x/") == "/repo/episodes/x/"
    assert u.path() == "/repo/"
    assert u.absolute("podcast.xml") == "https://example.github.io/repo/podcast.xml"
    assert u.absolute("https://cdn.example/a.mp3") == "https://cdn.example/a.mp3"
    assert u.asset("css/site.css") == "/repo/css/site.abc.css"
    assert u.asset("img/a.png") == "/repo/img/a.png"


def test_absolutize_html_only_touches_site_paths():
    u = Urls("https://example.github.io/repo/")
    html = '<a href="/repo/x/">x</a> <a href="//cdn.example/y">y</a> <img src="/repo/a.png"> <a href="https://z.example/">z</a>'
    out = u.absolutize_html(html)
    assert 'href="https://example.github.io/repo/x/"' in out
    assert 'src="https://example.github.io/repo/a.png"' in out
    assert 'href="//cdn.example/y"' in out and 'href="https://z.example/"' in out
