# Official TensorFlow Lite runtime harness (Node + the WASM build from @tensorflow/tfjs-tflite).
# Included from tests/CMakeLists.txt, so CMAKE_CURRENT_SOURCE_DIR is tests/.
# The npm package is installed into the build tree (never the source tree) on first use.
set(TINYFIT_CONFORMANCE_DIR ${CMAKE_BINARY_DIR}/conformance)
set(TINYFIT_CONFORMANCE_INSTALL ${CMAKE_CURRENT_SOURCE_DIR}/conformance/install.sh)
set(TINYFIT_OFFICIAL_RUNTIME_JS ${CMAKE_CURRENT_SOURCE_DIR}/conformance/official_runtime.js)
get_filename_component(TINYFIT_PEER_MODELS ${PROJECT_SOURCE_DIR}/../shared/peer_models ABSOLUTE)

find_program(TINYFIT_BASH bash)
if(TINYFIT_BASH)
  add_test(NAME official_runtime_smoke
    COMMAND ${TINYFIT_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/conformance/smoke.sh
            ${TINYFIT_CONFORMANCE_DIR} ${TINYFIT_PEER_MODELS})
  # 77: npm registry unreachable, node/npm missing, or no peer models — cannot test here, not broken.
  set_tests_properties(official_runtime_smoke PROPERTIES
    SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS conformance)
endif()
