// The operator's order buttons on a host's drill-down page (issue 11): for each red process the
// status marks (xymon/process_marker.h), an HTML form posting to the order CGI under Xymon's
// authenticated path: snapshot now, freeze, thaw, and kill once the process is snapshotted and
// frozen. Plain forms (the pages run no script); every value from the board goes in as data.
#pragma once
#include <string>

#include "pages/html_doc.h"
#include "pages/pages_render.h"

namespace mr {

// Adds the "Operator orders" section under `parent`; nothing when the status marks no process.
void add_order_forms(HtmlNode parent, const std::string& host, const std::string& status_message,
                     const PageUrls& urls);

}  // namespace mr
