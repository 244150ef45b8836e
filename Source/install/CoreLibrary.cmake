# capstan_add_core_library(NAME sources...): one of the JUCE-free core libraries (media, realtime) that outside
# projects link. The sources are compiled once (NAME_objects) and made into both NAME (static: what the tool, the app,
# the plugin and the tests link) and NAME_shared (libNAME.so with a versioned SONAME, for installed consumers).
# Usage requirements are set on all three by the caller through capstan_core_link().
include_guard(GLOBAL)
include(GNUInstallDirs)

# Before 1.0 any minor release may change the ABI, so the SONAME carries major.minor (libcapstan_media.so.0.1).
# (A function, not a variable: this file is included once per project, and variables are per directory.)
function(capstan_soversion out)
    if(PROJECT_VERSION_MAJOR EQUAL 0)
        set(${out} ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR} PARENT_SCOPE)
    else()
        set(${out} ${PROJECT_VERSION_MAJOR} PARENT_SCOPE)
    endif()
endfunction()

function(capstan_add_core_library name)
    add_library(${name}_objects OBJECT ${ARGN})
    add_library(${name} STATIC $<TARGET_OBJECTS:${name}_objects>)
    add_library(${name}_shared SHARED $<TARGET_OBJECTS:${name}_objects>)
    capstan_soversion(soversion)
    set_target_properties(${name}_objects PROPERTIES POSITION_INDEPENDENT_CODE ON)
    set_target_properties(${name}_shared PROPERTIES
        OUTPUT_NAME ${name}
        VERSION ${PROJECT_VERSION}
        SOVERSION ${soversion})
    # The names an outside project links, the same from an install (find_package) and from add_subdirectory.
    string(REGEX REPLACE "^capstan_" "" short ${name})
    add_library(Capstan::${short} ALIAS ${name}_shared)
    add_library(Capstan::${short}_static ALIAS ${name})
    foreach(target IN ITEMS ${name}_objects ${name} ${name}_shared)
        target_include_directories(${target} PUBLIC
            $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/Source>
            $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
        # Consumers get C++20 from the target (the public headers use std::span and designated initialisers).
        target_compile_features(${target} PUBLIC cxx_std_20)
        # The tool, the app and the module print it; an installed consumer has CapstanConfigVersion.cmake instead.
        target_compile_definitions(${target} PUBLIC $<BUILD_INTERFACE:CAPSTAN_VERSION="${PROJECT_VERSION}">)
    endforeach()
    target_link_libraries(${name}_objects PRIVATE capstan_warnings)
endfunction()

# capstan_core_link(NAME [COMMON deps...] [STATIC deps...] [SHARED deps...] [SHARED_PRIVATE deps...]): COMMON deps are
# usage requirements of all three targets, STATIC ones of the objects and the static library, SHARED ones of the
# shared library; SHARED_PRIVATE deps are linked into the shared library only (its users need neither their headers
# nor their link flags, the static library's users do).
function(capstan_core_link name)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "COMMON;STATIC;SHARED;SHARED_PRIVATE")
    target_link_libraries(${name}_objects PUBLIC ${arg_COMMON} ${arg_STATIC} PRIVATE ${arg_SHARED_PRIVATE})
    target_link_libraries(${name} PUBLIC ${arg_COMMON} ${arg_STATIC})
    target_link_libraries(${name}_shared PUBLIC ${arg_COMMON} ${arg_SHARED} PRIVATE ${arg_SHARED_PRIVATE})
endfunction()
