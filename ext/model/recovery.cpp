#include "model/recovery.h"

namespace mr {

const char* to_string(TracePresence p) {
    switch (p) {
        case TracePresence::gone: return "gone";
        case TracePresence::present: return "present";
        case TracePresence::unknown: return "unknown";
    }
    return "unknown";
}

const char* msr_text(int msr) {
    switch (msr) {
        case 0: return "not loaded";
        case 1: return "loaded";
        case 2: return "loaded with allow_writes";
    }
    return "unknown";
}

}  // namespace mr
