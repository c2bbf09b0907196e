// Who gets paged when a host's miningrisk column goes red, read from Xymon's alerts.cfg, so the
// wall screen can say it (a red tile tells the room what happens next). Pure: text in, answer out.
//
// alerts.cfg (man alerts.cfg): "$NAME=value" macros; a rule line of criteria (HOST=, EXHOST=,
// SERVICE=, EXSERVICE=, COLOR=, PAGE=, TIME=, DURATION...), then recipient lines ("MAIL addr ...",
// "SCRIPT path recipient ..."), which may also sit on the rule line and carry their own criteria.
// Lists are comma-separated, "*" matches all and "%regex" is a regular expression.
#pragma once
#include <string>

namespace mr {

struct PagingInfo {
    bool found = false;
    std::string recipient;   // "oncall@example.com"; for SCRIPT the recipient argument
    std::string method;      // "MAIL" or "SCRIPT"
    int line = 0;            // of the recipient in the file
};

// The first recipient that receives `color` alerts for `host`'s `service`. Criteria that need
// more than the host name (PAGE=, GROUP=, TIME=, DURATION) are taken as matching: they may page.
// Never throws; a bad %regex just does not match.
PagingInfo find_paging(const std::string& alerts_cfg, const std::string& host,
                       const std::string& service, const std::string& color = "red");

// "pages oncall@example.com (alerts.cfg line 5)" or
// "no paging rule for miningrisk in alerts.cfg". Still untrusted text: escape where it is shown.
std::string paging_text(const PagingInfo& p, const std::string& service);

}  // namespace mr
