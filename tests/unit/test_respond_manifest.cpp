// Evidence snapshot text building: manifest.json, SHA256SUMS, the byte swap of the exe.
#include <doctest/doctest.h>

#include <string>

#include "respond/byte_swap.h"
#include "respond/manifest.h"

using namespace mr;

TEST_CASE("respond manifest: json_escape keeps any byte inside the string") {
    CHECK(json_escape("plain /proc/1/maps") == "plain /proc/1/maps");
    CHECK(json_escape("a\"b\\c") == "a\\\"b\\\\c");
    CHECK(json_escape(std::string("x\ny\0z", 5)) == "x\\ny\\u0000z");
    CHECK(json_escape("\xff\x7f") == "\\u00ff\\u007f");
}

TEST_CASE("respond manifest: files, skipped, chain and exe digest are in the manifest") {
    ManifestInfo in;
    in.tool = "miningrisk-snapshot/0.1.0";
    in.host = "web01";
    in.boot_id = "b00t";
    in.pid = 4316;
    in.start_ticks = 777;
    in.created = 1796278213;
    in.trigger = "first red";
    in.prev_manifest = std::string(64, 'a');
    in.exe_sha256 = std::string(64, 'e');
    in.exe_size = 1234;
    std::vector<Artefact> files = {{"proc/4316/stat", 10, std::string(64, '1'), "/proc/4316/stat", false, 5},
                                   {"proc/4316/environ", 1048576, std::string(64, '2'), "/proc/4316/environ", true, 6}};
    std::vector<Skipped> skipped = {{"memory 0-1 rw-p [heap]", "over the wall time bound"}};
    std::string j = build_manifest_json(in, files, skipped);
    CHECK(j.find("\"previous_manifest_sha256\": \"" + std::string(64, 'a') + "\"") != std::string::npos);
    CHECK(j.find("\"exe\": {\"sha256\": \"" + std::string(64, 'e') + "\", \"size\": 1234") != std::string::npos);
    CHECK(j.find("\"path\": \"proc/4316/environ\", \"size\": 1048576") != std::string::npos);
    CHECK(j.find("\"truncated\": true") != std::string::npos);
    CHECK(j.find("\"reason\": \"over the wall time bound\"") != std::string::npos);
    CHECK(j.find("\"boot_id\": \"b00t\"") != std::string::npos);
    CHECK(j.find("\"created_utc\": \"20261203T061013Z\"") != std::string::npos);
}

TEST_CASE("respond manifest: SHA256SUMS is what sha256sum -c reads, sorted, odd names escaped") {
    std::vector<Artefact> files = {{"b", 1, std::string(64, 'b'), "", false, 0},
                                   {"a", 1, std::string(64, 'a'), "", false, 0},
                                   {"we\\ird\nname", 1, std::string(64, 'c'), "", false, 0}};
    std::string s = build_sha256sums(files);
    CHECK(s == std::string(64, 'a') + "  a\n" + std::string(64, 'b') + "  b\n\\" + std::string(64, 'c') +
                   "  we\\\\ird\\nname\n");
}

TEST_CASE("respond byte swap: pairs swapped, twice is the original, an odd last byte stays") {
    std::string s = "ABCDE";
    swap_byte_pairs(s.data(), s.size());
    CHECK(s == "BADCE");
    swap_byte_pairs(s.data(), s.size());
    CHECK(s == "ABCDE");
    std::string elf = "\x7f" "ELF";
    swap_byte_pairs(elf.data(), elf.size());
    CHECK(elf == "E\x7f" "FL");  // no longer the ELF magic an antivirus looks for
}
