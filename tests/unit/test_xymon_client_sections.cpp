#include <doctest/doctest.h>

#include <string>

#include "xymon/client_sections.h"

using namespace mr;

TEST_CASE("channel sections: first line of standard and collector messages") {
    Expected<ClientFirstLine> a = parse_client_first_line("client vm.linux linux");
    REQUIRE(a);
    CHECK(a->collector_id.empty());
    CHECK(a->host == "vm");
    CHECK(a->ostype == "linux");
    CHECK(a->config_class == "linux");
    Expected<ClientFirstLine> b = parse_client_first_line("client/miningrisk web,example,com.linux lnx\r");
    REQUIRE(b);
    CHECK(b->collector_id == "miningrisk");
    CHECK(b->host == "web.example.com");
    CHECK(b->config_class == "lnx");
    auto error_of = [](std::string_view line) {
        Expected<ClientFirstLine> r = parse_client_first_line(line);
        return r ? std::string("parsed") : r.error().message;
    };
    CHECK(error_of("status vm.cpu green") == "not a client message");
    CHECK(error_of("clientx vm.linux") == "not a client message");
    CHECK(error_of("client") == "no HOST.OSTYPE after 'client'");
    CHECK(error_of("client nodot") == "no HOST.OSTYPE after 'client'");
    CHECK(error_of("client .linux") == "no HOST.OSTYPE after 'client'");
}

TEST_CASE("channel sections: split keeps order, content and the first line") {
    std::string text = "client vm.linux linux\n[date]\nThu\n[ps]\n  PID\n    1 x\n[not a section]\n[ports]\n";
    ClientMessageView v = split_client_sections(text);
    CHECK(v.first_line == "client vm.linux linux");
    REQUIRE(v.sections.size() == 3);
    CHECK(v.sections[0].name == "date");
    CHECK(v.sections[0].content == "Thu\n");
    CHECK(v.sections[1].name == "ps");
    CHECK(v.sections[1].content == "  PID\n    1 x\n[not a section]\n");
    REQUIRE(v.find("ports") != nullptr);
    CHECK(v.find("ports")->content.empty());
    CHECK(v.find("nope") == nullptr);
    auto lines = split_lines(v.sections[1].content);
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == "    1 x");
}

TEST_CASE("channel sections: clientlog output splits per collector") {
    std::string text =
        "\n[collector:]\nclient vm.linux linux\n[ps]\nx\n[collector:miningrisk]\nclient/miningrisk vm.linux linux\n[miningrisk]\nversion=1\n";
    auto parts = split_collectors(text);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].collector_id.empty());
    CHECK(parts[0].text == "client vm.linux linux\n[ps]\nx\n");
    CHECK(parts[1].collector_id == "miningrisk");
    CHECK(parts[1].text.substr(0, 17) == "client/miningrisk");
    auto single = split_collectors("client vm.linux linux\n[ps]\n");
    REQUIRE(single.size() == 1);
    CHECK(single[0].collector_id.empty());
}

TEST_CASE("channel sections: section count is bounded") {
    std::string text;
    for (int i = 0; i < 50; ++i) text += "[s" + std::to_string(i) + "]\nx\n";
    ClientMessageView v = split_client_sections(text, 10);
    CHECK(v.sections.size() == 10);
    CHECK(v.sections.back().content.find("[s49]") != std::string::npos);
}
