#include "respond/byte_swap.h"

#include <utility>

namespace mr {

void swap_byte_pairs(char* data, size_t len) {
    for (size_t i = 0; i + 1 < len; i += 2) std::swap(data[i], data[i + 1]);
}

}  // namespace mr
