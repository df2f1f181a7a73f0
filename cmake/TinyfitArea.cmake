# tinyfit_area(NAME <lib> DEPS <public deps...> PRIVATE_DEPS <private deps...> SUBDIRS <folders...>)
# One static library per source folder, made of every *.cpp in it (and in the listed sub-folders,
# for areas that keep parts apart, e.g. tflite's ops/ and ref/).
function(tinyfit_area)
  cmake_parse_arguments(A "" "NAME" "DEPS;PRIVATE_DEPS;SUBDIRS" ${ARGN})
  set(patterns ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  foreach(dir ${A_SUBDIRS})
    list(APPEND patterns ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS ${patterns})
  add_library(${A_NAME} STATIC ${sources})
  target_include_directories(${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${A_NAME} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
endfunction()
