# tinyfit_area(NAME <lib> DEPS <public deps...> PRIVATE_DEPS <private deps...>)
# One static library per source folder, made of every *.cpp in it.
function(tinyfit_area)
  cmake_parse_arguments(A "" "NAME" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(${A_NAME} STATIC ${sources})
  target_include_directories(${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${A_NAME} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
endfunction()
