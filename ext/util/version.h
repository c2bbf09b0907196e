// The one place the miningrisk version is written. The Makefile, `--version` of every program,
// the client's agent= field and the man pages take it from here; debian/changelog must agree
// (tests/lint/cli-man.sh checks it).
#pragma once

namespace mr {
inline constexpr const char* kMiningriskVersion = "0.1.0";
}
