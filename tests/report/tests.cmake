# tests/report: the report area's library tests and the end-to-end `tinyfit report` tests (which skip
# cleanly when gnuplot / weasyprint / poppler are absent; scripts/setup.sh installs them).
tinyfit_test_area(report tinyfit_report tinyfit_tflite tinyfit_core nlohmann_json::nlohmann_json)
if(TARGET report_tests)
  add_dependencies(report_tests tinyfit)
endif()
