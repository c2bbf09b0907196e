// Helpers shared by the page tests (test_pages_render, test_pages_pages_run): a miningrisk board
// entry as xymondboard gives it (a page's text: temp_dir.h's slurp).
#pragma once
#include <string>

#include "temp_dir.h"   // slurp
#include "xymon/board.h"

namespace mr_test {

inline mr::BoardEntry board_entry(const std::string& host, const std::string& color, const std::string& line1,
                                  const std::string& body) {
    mr::BoardEntry e;
    e.host = host;
    e.test = "miningrisk";
    e.color = color;
    e.lastchange = 1795733142;
    e.logtime = 1795733142;
    e.line1 = line1;
    e.message = color + " " + line1 + "\n" + body;
    return e;
}

}  // namespace mr_test
