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

# The GUI and plugin-hosting modules serve the standalone app and the tests that host the capture plugin; a static
# library contributes only the module objects a program references, so the CLI does not carry the GUI.
set(CAPSTAN_JUCE_MODULES juce_core juce_events juce_data_structures juce_graphics juce_gui_basics juce_gui_extra
    juce_audio_basics juce_audio_devices juce_audio_formats juce_audio_processors juce_audio_utils)

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
    # A Debug juce_core prints "JUCE v7.0.5" from a static constructor; the CLI's stdout/stderr are its interface.
    JUCE_DISABLE_JUCE_VERSION_PRINTING=1
    JUCE_ALSA=1
    JUCE_JACK=${CAPSTAN_JUCE_JACK}
    JUCE_PLUGINHOST_VST3=1
    JUCE_PLUGINHOST_LV2=1
    # Debian's JUCE uses the system FLAC and Ogg Vorbis libraries; linked below.
    JUCE_USE_FLAC=1
    JUCE_USE_OGGVORBIS=1)
target_compile_features(capstan_juce PUBLIC cxx_std_17)
target_link_libraries(capstan_juce
    PUBLIC juce::juce_recommended_config_flags
    # Debian's JUCE decodes/encodes images with the system libpng/libjpeg; juce_add_* targets get these from
    # _juce_initialise_target, a plain library must name them (they reach consumers as link-only items).
    PRIVATE juce::pkgconfig_JUCE_IMG_LINUX_DEPS)
# vorbis is named too: vorbisenc's pkg-config file keeps libvorbis private, and JUCE's Ogg code calls it directly.
pkg_check_modules(CAPSTAN_JUCE_CODECS REQUIRED IMPORTED_TARGET flac vorbisenc vorbisfile vorbis ogg)
target_link_libraries(capstan_juce PUBLIC PkgConfig::CAPSTAN_JUCE_CODECS ${CMAKE_DL_LIBS})
if(CAPSTAN_JACK_INCLUDE_DIR)
    target_include_directories(capstan_juce PRIVATE ${CAPSTAN_JACK_INCLUDE_DIR})
endif()
# JUCE 7.0.5's own headers trip GCC 12's -Wdangling-pointer (ListenerList); not our code.
target_compile_options(capstan_juce PUBLIC -Wno-dangling-pointer)
