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


def test_non_ascii_and_spaces_are_percent_encoded_as_utf8():
    u = Urls("https://example.github.io/repo/")
    assert u.path("tags/колено/") == "/repo/tags/%D0%BA%D0%BE%D0%BB%D0%B5%D0%BD%D0%BE/"
    assert u.absolute("episodes/x/001 first.vtt") == "https://example.github.io/repo/episodes/x/001%20first.vtt"
    # ASCII, '%' included, is left as written: nothing already encoded is encoded twice.
    assert u.path("a/b-c_d.e~f/%20?q=1#t") == "/repo/a/b-c_d.e~f/%20?q=1#t"


def test_tag_links_use_the_tag_pages_slug():
    u = Urls("https://example.github.io/repo/")
    assert u.tag("Knee Pain") == "/repo/tags/knee-pain/"
    assert u.tag("Straße") == "/repo/tags/strasse/"
    assert u.tag("Колено") == u.path("tags/колено/")
