#pragma once

#include "AppCore.h"

#include <juce_gui_basics/juce_gui_basics.h>

#include <map>

namespace capstan::app
{

/** The insert chain: the list of plugins in processing order and the buttons to add (from the known list), remove,
    reorder, bypass, open a plugin's editor, and scan for VST3/LV2 plugins. */
class ChainPanel final : public juce::Component, private juce::ListBoxModel, private juce::Timer
{
public:
    ChainPanel(AppCore& core, juce::StringArray extraScanFolders);
    ~ChainPanel() override;

    void refresh();
    void startScan();
    /** Opens (or brings to front) the editor of plugin `index`. */
    void openEditor(int index);
    void resized() override;
    void paint(juce::Graphics& g) override;

private:
    class EditorWindow;

    int getNumRows() override;
    void paintListBoxItem(int row, juce::Graphics& g, int width, int height, bool selected) override;
    void listBoxItemDoubleClicked(int row, const juce::MouseEvent&) override { openEditor(row); }
    void selectedRowsChanged(int) override { updateButtons(); }
    void timerCallback() override;
    void showAddMenu();
    void closeEditor(juce::AudioProcessor* processor);
    void updateButtons();

    AppCore& core;
    juce::StringArray scanFolders;
    juce::ListBox list{"chain", this};
    juce::TextButton addButton{"Add..."}, removeButton{"Remove"}, upButton{"Up"}, downButton{"Down"},
        bypassButton{"Bypass"}, editButton{"Editor"}, scanButton{"Scan plugins"};
    juce::Label scanLabel;
    std::map<juce::AudioProcessor*, std::unique_ptr<EditorWindow>> editors;
};

} // namespace capstan::app
