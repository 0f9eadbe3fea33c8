#!/bin/bash -eu
# Builds every registered fuzz target (fuzz/CMakeLists.txt, unwedge_fuzzer)
# with the service's compiler, flags and fuzzing engine, and puts each in
# $OUT with its seed corpus (<name>_seed_corpus.zip) and dictionary
# (<name>.dict). The canary crashes by design and is left out.

# fmt and yaml-cpp, static, with the same flags as the targets.
for dep in fmt yaml-cpp; do
  cmake -S "$SRC/$dep" -B "$WORK/$dep" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX="$WORK/deps" \
    -DFMT_TEST=OFF -DFMT_DOC=OFF -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF
  cmake --build "$WORK/$dep"
  cmake --install "$WORK/$dep"
done

cmake -S "$SRC/unwedge" -B "$WORK/unwedge" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_PREFIX_PATH="$WORK/deps" \
  -DBoost_INCLUDE_DIR="$SRC/boost_1_74_0" \
  -DUNWEDGE_FUZZ=ON -DUNWEDGE_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DUNWEDGE_TESTS=OFF -DUNWEDGE_BENCH=OFF -DUNWEDGE_CLI=OFF -DUNWEDGE_WERROR=OFF

mapfile -t targets < <(awk '$2 == "target" { print $1 }' "$WORK/unwedge/fuzz/targets.txt")
cmake --build "$WORK/unwedge" --target "${targets[@]}"
for name in "${targets[@]}"; do
  cp "$WORK/unwedge/fuzz/$name" "$OUT/"
  cp "$SRC/unwedge/fuzz/dictionaries/$name.dict" "$OUT/$name.dict"
  (cd "$SRC/unwedge/fuzz/corpus/$name" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
done
