#include "siem/ecs_line.h"

#include <vector>

#include "util/html_escape.h"

namespace mr {

namespace {

std::string dump(const EcsEvent& j) {
    return escape_json_end_tags(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

// The largest string or array anywhere in `j` (ECS identity fields excepted).
EcsEvent* largest(EcsEvent& j, size_t& size) {
    EcsEvent* best = nullptr;
    size = 0;
    std::vector<EcsEvent*> todo{&j};
    while (!todo.empty()) {
        EcsEvent* n = todo.back();
        todo.pop_back();
        if (n->is_object()) {
            for (auto it = n->begin(); it != n->end(); ++it)
                if (it.key() != "@timestamp" && it.key() != "ecs" && it.key() != "event") todo.push_back(&it.value());
        } else if (n->is_array()) {
            size_t s = n->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).size();
            if (s > size && n->size() > 1) best = n, size = s;
            for (auto& v : *n) todo.push_back(&v);
        } else if (n->is_string()) {
            size_t s = n->get_ref<const std::string&>().size();
            if (s > size && s > 80) best = n, size = s;
        }
    }
    return best;
}

}  // namespace

std::string ecs_line(EcsEvent ev, size_t max_bytes) {
    std::string line = dump(ev);
    if (line.size() <= max_bytes) return line;
    const size_t original = line.size();
    ev["miningrisk"]["truncated"] = true;
    ev["miningrisk"]["original_bytes"] = original;
    for (int round = 0; round < 200 && line.size() > max_bytes; ++round) {
        size_t size = 0;
        EcsEvent* n = largest(ev, size);
        if (!n) break;
        if (n->is_array()) {
            n->erase(n->begin() + static_cast<long>(n->size() / 2), n->end());
            n->push_back("[truncated]");
        } else {
            std::string s = n->get<std::string>();
            size_t over = line.size() - max_bytes;
            size_t keep = s.size() > over + 64 ? s.size() - over - 64 : s.size() / 2;
            *n = s.substr(0, keep) + "...[truncated]";
        }
        line = dump(ev);
    }
    if (line.size() > max_bytes) {
        // Still too big (many small fields): keep the identity and say so.
        EcsEvent small;
        for (const char* k : {"@timestamp", "ecs", "event", "host"})
            if (ev.contains(k)) small[k] = ev[k];
        small["message"] = "event too large for one line, shortened to its identity";
        small["miningrisk"] = {{"truncated", true}, {"original_bytes", original}};
        line = dump(small);
    }
    return line;
}

}  // namespace mr
