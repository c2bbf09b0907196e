#include "model/model.h"
#include "model/findings.h"

namespace mr {

const char* to_string(SocketProto p) {
    switch (p) {
        case SocketProto::tcp: return "tcp";
        case SocketProto::tcp6: return "tcp6";
        case SocketProto::udp: return "udp";
        case SocketProto::udp6: return "udp6";
    }
    return "?";
}

const char* to_string(Color c) {
    switch (c) {
        case Color::clear: return "clear";
        case Color::green: return "green";
        case Color::yellow: return "yellow";
        case Color::red: return "red";
    }
    return "clear";
}

const char* to_string(Strength s) {
    switch (s) {
        case Strength::weak: return "weak";
        case Strength::medium: return "medium";
        case Strength::strong: return "strong";
    }
    return "weak";
}

bool parse_color(const std::string& s, Color& out) {
    for (Color c : {Color::clear, Color::green, Color::yellow, Color::red})
        if (s == to_string(c)) { out = c; return true; }
    return false;
}

bool parse_strength(const std::string& s, Strength& out) {
    for (Strength x : {Strength::weak, Strength::medium, Strength::strong})
        if (s == to_string(x)) { out = x; return true; }
    return false;
}

}  // namespace mr
