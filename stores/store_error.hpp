// StoreError: what a database store throws where the Store interface has no
// room for an error: a read (Transaction::find, ids) or a snapshot that
// meets a row that does not decode, or a database that fails under a read.
// commit() never throws; its failures are the Status it returns.
//
//   try {
//     std::optional<Service> service = txn->get<Service>("db1");
//   } catch (const stores::StoreError& error) {
//     fmt::print(stderr, "{}\n", error.what());  // names the store, the kind and the id
//   }
#pragma once

#include <stdexcept>

namespace unwedge::stores {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace unwedge::stores
