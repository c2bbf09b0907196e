// The server's answer to `config miningrisk-pools.cfg` before and after its first merged list.
#include <doctest/doctest.h>

#include <string>

#include "client/pool_answer.h"

using mr::classify_pool_answer;
using mr::PoolAnswer;

TEST_CASE("pool answer: the unexpanded stub means the server has not published a list yet") {
    std::string target;
    CHECK(classify_pool_answer("include /var/lib/xymon/miningrisk/pools.txt\n", &target) == PoolAnswer::not_published);
    CHECK(target == "/var/lib/xymon/miningrisk/pools.txt");
    CHECK(classify_pool_answer("# stub\n\ninclude\t/x/pools.txt\r\n") == PoolAnswer::not_published);
}

TEST_CASE("pool answer: a list is a list, even one that also has an include line") {
    CHECK(classify_pool_answer("# version: 20261203T0600Z-abc\npool.example.com\n") == PoolAnswer::list);
    CHECK(classify_pool_answer("include /x\nexample.com\n") == PoolAnswer::list);
    // "includes.example.com" is a domain, not an include line.
    CHECK(classify_pool_answer("includes.example.com\n") == PoolAnswer::list);
}

TEST_CASE("pool answer: nothing but blanks and comments is empty") {
    CHECK(classify_pool_answer("") == PoolAnswer::empty);
    CHECK(classify_pool_answer("\n  \n# nothing\n") == PoolAnswer::empty);
}
