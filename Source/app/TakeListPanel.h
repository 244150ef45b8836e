#pragma once

#include "AppSettings.h"
#include "TakeList.h"

#include <juce_gui_basics/juce_gui_basics.h>

namespace capstan::app
{

/** "Recent takes": the takes of this and earlier launches (from the settings), newest first, with duration, size and
    folder, and Play (the desktop's player), Show (the folder in the file manager) and Open folder (the take folder).
    Double-click plays. */
class TakeListPanel final : public juce::Component, private juce::ListBoxModel
{
public:
    explicit TakeListPanel(AppSettings& settings);

    /** New finished takes go to the top (and into the settings). */
    void addTakes(const juce::StringArray& files);
    /** The folder "Open folder" opens: the current take folder. */
    std::function<juce::File()> takeFolder;
    const TakeList& takes() const noexcept { return list; }
    void selectRow(int row) { listBox.selectRow(row); }

    void resized() override;

private:
    int getNumRows() override { return list.size(); }
    void paintListBoxItem(int row, juce::Graphics& g, int width, int height, bool selected) override;
    void listBoxItemDoubleClicked(int row, const juce::MouseEvent&) override;
    void selectedRowsChanged(int) override;
    juce::File selectedFile() const;

    AppSettings& settings;
    TakeList list;
    juce::Label title{{}, "Recent takes"};
    juce::ListBox listBox{"recent", this};
    juce::TextButton playButton{"Play"}, revealButton{"Show"}, openFolderButton{"Open folder"};
};

} // namespace capstan::app
