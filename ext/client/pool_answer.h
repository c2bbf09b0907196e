// What the server answered to `config miningrisk-pools.cfg`. Before the server's feed updater has
// written its first merged list, xymond cannot expand the stub's `include` line and sends the
// line itself: that is "not published yet" (use the shipped lists, say so once), not a broken list.
#pragma once

#include <string>
#include <string_view>

namespace mr {

enum class PoolAnswer { list, not_published, empty };

// `include_target` (optional) gets the path of the first unexpanded include.
PoolAnswer classify_pool_answer(std::string_view body, std::string* include_target = nullptr);

}  // namespace mr
