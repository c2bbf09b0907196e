// The executable is stored byte-swapped (each pair of bytes exchanged, as UAC's `dd conv=swab`)
// so that an antivirus on the host does not quarantine the evidence; `dd conv=swab` or
// swap_byte_pairs() gives the original back. An odd last byte stays where it is.
#pragma once
#include <cstddef>

namespace mr {

void swap_byte_pairs(char* data, size_t len);

}  // namespace mr
