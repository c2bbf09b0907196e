#include <doctest/doctest.h>

#include <string>

#include "xymon/paging_rule.h"

using namespace mr;

TEST_CASE("pages_paging: the first rule that pages red miningrisk names the recipient") {
    std::string cfg =
        "# comment MAIL nobody@example.com\n"
        "$ONCALL=oncall@example.com\n"
        "HOST=* SERVICE=disk,cpu COLOR=red\n"
        "\tMAIL disk@example.com\n"
        "SERVICE=miningrisk COLOR=yellow\n"
        "\tMAIL yellow@example.com\n"
        "SERVICE=miningrisk COLOR=red,purple\n"
        "\tMAIL $ONCALL DURATION>5m REPEAT=30m RECOVERED\n"
        "\tMAIL second@example.com\n";
    PagingInfo p = find_paging(cfg, "web01", "miningrisk");
    REQUIRE(p.found);
    CHECK(p.recipient == "oncall@example.com");
    CHECK(p.method == "MAIL");
    CHECK(p.line == 8);
    CHECK(paging_text(p, "miningrisk") == "pages oncall@example.com (alerts.cfg line 8)");
}

TEST_CASE("pages_paging: host criteria, SCRIPT recipients, regexes and recipients on the rule line") {
    std::string cfg =
        "HOST=db1,db2 SERVICE=%^mining SCRIPT /usr/local/bin/page dba-team FORMAT=SCRIPT\n"
        "EXHOST=%^test SERVICE=* MAIL ops@example.com\n"
        "HOST=%[ SERVICE=miningrisk MAIL broken-regex@example.com\n";
    PagingInfo db = find_paging(cfg, "db2", "miningrisk");
    CHECK(db.recipient == "dba-team");
    CHECK(db.method == "SCRIPT");
    CHECK(find_paging(cfg, "web1", "miningrisk").recipient == "ops@example.com");
    // test hosts are excluded from the catch-all; the broken regex matches nothing.
    CHECK_FALSE(find_paging(cfg, "test7", "miningrisk").found);
}

TEST_CASE("pages_paging: no rule, or a recipient whose own criteria exclude miningrisk") {
    CHECK(paging_text(find_paging("", "h", "miningrisk"), "miningrisk") ==
          "no paging rule for miningrisk in alerts.cfg");
    std::string cfg = "HOST=*\n\tMAIL a@example.com SERVICE=disk\n\tMAIL b@example.com COLOR=yellow\n";
    CHECK_FALSE(find_paging(cfg, "h", "miningrisk").found);
    // Garbage never throws.
    CHECK_FALSE(find_paging(std::string("\0\0MAIL\n=\nSCRIPT\n$\n$A=\n", 20), "h", "miningrisk").found);
}
