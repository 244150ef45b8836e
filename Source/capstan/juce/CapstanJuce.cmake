# capstan_juce: the one static library that compiles the JUCE modules Capstan's JUCE-using libraries need.
# JUCE's module targets are INTERFACE libraries that compile their sources into whoever links them; two Capstan
# libraries each linking juce_core would put its symbols into the CLI twice. So only this target links the modules
# (PRIVATE, so their sources stay here) and re-exports what compiling against JUCE headers needs: include paths,
# JUCE_MODULE_AVAILABLE_* and the configuration below, which must match the one the modules were compiled with.
# Included by capstan/visual and capstan/devices; whichever comes first defines it.
include_guard(GLOBAL)

# Debian's JUCEConfig.cmake fails when called a second time in one project, so only find it when no one else did.
if(NOT TARGET juce::juce_core)
    find_package(JUCE CONFIG REQUIRED)
endif()

set(CAPSTAN_JUCE_MODULES juce_core juce_events juce_graphics juce_audio_basics juce_audio_devices)

# JUCE's JACK device type loads libjack at run time but needs <jack/jack.h> (Debian: libjack-jackd2-dev) to build.
find_path(CAPSTAN_JACK_INCLUDE_DIR jack/jack.h)
# CAPSTAN_JUCE_JACK (cached) tells the tests whether JUCE's JACK device type is in.
if(CAPSTAN_JACK_INCLUDE_DIR)
    set(CAPSTAN_JUCE_JACK 1 CACHE INTERNAL "")
else()
    set(CAPSTAN_JUCE_JACK 0 CACHE INTERNAL "")
    message(STATUS "capstan_juce: jack/jack.h not found (libjack-jackd2-dev): JUCE's JACK device type is left out")
endif()

add_library(capstan_juce STATIC ${CMAKE_CURRENT_LIST_DIR}/JuceModules.cpp)
foreach(module IN LISTS CAPSTAN_JUCE_MODULES)
    target_link_libraries(capstan_juce PRIVATE juce::${module})
    target_include_directories(capstan_juce PUBLIC $<TARGET_PROPERTY:juce::${module},INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_definitions(capstan_juce PUBLIC $<TARGET_PROPERTY:juce::${module},INTERFACE_COMPILE_DEFINITIONS>)
endforeach()
target_compile_definitions(capstan_juce PUBLIC
    JUCE_GLOBAL_MODULE_SETTINGS_INCLUDED=1 # no AppConfig.h: the settings are these definitions
    JUCE_STANDALONE_APPLICATION=1
    JUCE_WEB_BROWSER=0
    JUCE_USE_CURL=0
    JUCE_MODAL_LOOPS_PERMITTED=0
    JUCE_DISPLAY_SPLASH_SCREEN=0
    JUCE_ALSA=1
    JUCE_JACK=${CAPSTAN_JUCE_JACK})
target_compile_features(capstan_juce PUBLIC cxx_std_17)
target_link_libraries(capstan_juce
    PUBLIC juce::juce_recommended_config_flags
    # Debian's JUCE decodes/encodes images with the system libpng/libjpeg; juce_add_* targets get these from
    # _juce_initialise_target, a plain library must name them (they reach consumers as link-only items).
    PRIVATE juce::pkgconfig_JUCE_IMG_LINUX_DEPS)
if(CAPSTAN_JACK_INCLUDE_DIR)
    target_include_directories(capstan_juce PRIVATE ${CAPSTAN_JACK_INCLUDE_DIR})
endif()
# JUCE 7.0.5's own headers trip GCC 12's -Wdangling-pointer (ListenerList); not our code.
target_compile_options(capstan_juce PUBLIC -Wno-dangling-pointer)
