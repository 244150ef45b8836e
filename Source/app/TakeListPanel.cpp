#include "TakeListPanel.h"

#include "HealthPanel.h"

namespace capstan::app
{

TakeListPanel::TakeListPanel(AppSettings& settingsIn) : settings(settingsIn)
{
    title.setFont(juce::Font(15.0f, juce::Font::bold));
    listBox.setRowHeight(20);
    listBox.setColour(juce::ListBox::backgroundColourId, juce::Colour(0xff1d2127));
    playButton.setTooltip("Play the selected take in the desktop's default player (double-click a take works too)");
    revealButton.setTooltip("Show the folder of the selected take in the file manager");
    for (auto* button : {&playButton, &revealButton, &openFolderButton})
        button->setWantsKeyboardFocus(false); // Space and P stay the window's
    listBox.setWantsKeyboardFocus(false);
    playButton.onClick = [this] { TakeList::play(selectedFile()); };
    revealButton.onClick = [this] { TakeList::reveal(selectedFile()); };
    openFolderButton.onClick = [this]
    {
        if (!takeFolder)
            return;
        const auto folder = takeFolder();
        folder.createDirectory();
        folder.startAsProcess(); // the desktop's file manager
    };
    for (auto* c :
         std::initializer_list<juce::Component*>{&title, &listBox, &playButton, &revealButton, &openFolderButton})
        addAndMakeVisible(c);
    list.setFiles(settings.recentTakes());
    listBox.updateContent();
    if (list.size() > 0)
        listBox.selectRow(0); // Play and Show act on the newest take at once
    selectedRowsChanged(-1);
}

void TakeListPanel::addTakes(const juce::StringArray& files)
{
    settings.addRecentTakes(files);
    list.setFiles(settings.recentTakes());
    listBox.updateContent();
    listBox.selectRow(0);
    listBox.repaint();
}

juce::File TakeListPanel::selectedFile() const
{
    const int row = listBox.getSelectedRow();
    return juce::isPositiveAndBelow(row, list.size()) ? list[row].file : juce::File();
}

void TakeListPanel::selectedRowsChanged(int)
{
    const int row = listBox.getSelectedRow();
    const bool exists = juce::isPositiveAndBelow(row, list.size()) && list[row].exists;
    playButton.setEnabled(exists);
    revealButton.setEnabled(juce::isPositiveAndBelow(row, list.size()));
}

void TakeListPanel::paintListBoxItem(int row, juce::Graphics& g, int width, int height, bool selected)
{
    if (!juce::isPositiveAndBelow(row, list.size()))
        return;
    const auto& take = list[row];
    if (selected)
        g.fillAll(juce::Colour(0xff34495e));
    g.setFont(13.0f);
    g.setColour(take.exists ? juce::Colours::white : juce::Colours::grey);
    g.drawText(take.file.getFileName(), 8, 0, 330, height, juce::Justification::centredLeft, true);
    g.drawText(take.exists ? TakeList::durationText(take.seconds) : juce::String("missing"), 344, 0, 80, height,
               juce::Justification::centredRight);
    g.setColour(juce::Colours::grey);
    g.drawText(take.exists ? HealthPanel::formatBytes(take.bytes) : juce::String(), 430, 0, 90, height,
               juce::Justification::centredRight);
    g.drawText(take.file.getParentDirectory().getFullPathName(), 536, 0, width - 544, height,
               juce::Justification::centredLeft, true);
}

void TakeListPanel::listBoxItemDoubleClicked(int row, const juce::MouseEvent&)
{
    if (juce::isPositiveAndBelow(row, list.size()))
        TakeList::play(list[row].file);
}

void TakeListPanel::resized()
{
    auto area = getLocalBounds();
    auto header = area.removeFromTop(26);
    openFolderButton.setBounds(header.removeFromRight(110).reduced(1));
    revealButton.setBounds(header.removeFromRight(70).reduced(1));
    playButton.setBounds(header.removeFromRight(70).reduced(1));
    title.setBounds(header);
    listBox.setBounds(area);
}

} // namespace capstan::app
