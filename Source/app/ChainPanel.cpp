#include "ChainPanel.h"

namespace capstan::app
{

/** A plugin's editor in a window of its own; closing it saves the chain (with the plugin's new state). */
class ChainPanel::EditorWindow final : public juce::DocumentWindow
{
public:
    EditorWindow(ChainPanel& ownerIn, juce::AudioProcessor& processor)
        : juce::DocumentWindow(processor.getName(), juce::Colour(0xff2b3038), juce::DocumentWindow::closeButton),
          owner(ownerIn), plugin(processor)
    {
        setUsingNativeTitleBar(false);
        juce::AudioProcessorEditor* editor = processor.hasEditor() ? processor.createEditorIfNeeded() : nullptr;
        if (editor == nullptr)
            editor = new juce::GenericAudioProcessorEditor(processor);
        setContentOwned(editor, true);
        setResizable(editor->isResizable(), false);
        centreAroundComponent(&owner, getWidth(), getHeight());
        setVisible(true);
    }

    ~EditorWindow() override
    {
        if (auto* editor = dynamic_cast<juce::AudioProcessorEditor*>(getContentComponent()))
            plugin.editorBeingDeleted(editor);
        clearContentComponent();
    }

    void closeButtonPressed() override
    {
        juce::MessageManager::callAsync(
            [safe = juce::Component::SafePointer<ChainPanel>(&owner), p = &plugin]
            {
                if (safe != nullptr)
                    safe->closeEditor(p);
            });
    }

private:
    ChainPanel& owner;
    juce::AudioProcessor& plugin;
};

ChainPanel::ChainPanel(AppCore& coreIn, juce::StringArray extraScanFolders)
    : core(coreIn), scanFolders(std::move(extraScanFolders))
{
    list.setRowHeight(26);
    list.setColour(juce::ListBox::backgroundColourId, juce::Colour(0xff1d2127));
    addAndMakeVisible(list);
    for (auto* button : {&addButton, &removeButton, &upButton, &downButton, &bypassButton, &editButton, &scanButton})
        addAndMakeVisible(button);
    addAndMakeVisible(scanLabel);
    scanLabel.setFont(12.0f);
    scanLabel.setColour(juce::Label::textColourId, juce::Colours::grey);

    addButton.onClick = [this] { showAddMenu(); };
    removeButton.onClick = [this]
    {
        const int row = list.getSelectedRow();
        closeEditor(core.chain.processor(row));
        core.removePlugin(row);
        refresh();
    };
    upButton.onClick = [this]
    {
        const int row = list.getSelectedRow();
        if (row > 0)
        {
            core.movePlugin(row, row - 1);
            refresh();
            list.selectRow(row - 1);
        }
    };
    downButton.onClick = [this]
    {
        const int row = list.getSelectedRow();
        if (row >= 0 && row + 1 < core.chain.size())
        {
            core.movePlugin(row, row + 1);
            refresh();
            list.selectRow(row + 1);
        }
    };
    bypassButton.onClick = [this]
    {
        const int row = list.getSelectedRow();
        core.setPluginBypassed(row, !core.chain.isBypassed(row));
        refresh();
    };
    editButton.onClick = [this] { openEditor(list.getSelectedRow()); };
    scanButton.onClick = [this] { startScan(); };
    refresh();
    startTimerHz(4);
}

ChainPanel::~ChainPanel()
{
    editors.clear();
}

void ChainPanel::refresh()
{
    list.updateContent();
    list.repaint();
    updateButtons();
    const int plugins = core.host.knownPlugins().getNumTypes();
    if (!core.host.isScanning())
        scanLabel.setText(juce::String(plugins) + (plugins == 1 ? " plugin known" : " plugins known") +
                              " (VST3, LV2, built-in)",
                          juce::dontSendNotification);
}

void ChainPanel::updateButtons()
{
    const int row = list.getSelectedRow();
    const bool selected = juce::isPositiveAndBelow(row, core.chain.size());
    removeButton.setEnabled(selected);
    upButton.setEnabled(selected && row > 0);
    downButton.setEnabled(selected && row + 1 < core.chain.size());
    bypassButton.setEnabled(selected);
    editButton.setEnabled(selected);
    bypassButton.setButtonText(selected && core.chain.isBypassed(row) ? "Enable" : "Bypass");
}

void ChainPanel::startScan()
{
    scanButton.setEnabled(false);
    core.host.startScan(scanFolders,
                        [safe = juce::Component::SafePointer<ChainPanel>(this)](int found)
                        {
                            if (safe == nullptr)
                                return;
                            safe->scanButton.setEnabled(true);
                            safe->refresh();
                            safe->scanLabel.setText(safe->scanLabel.getText() + ", " + juce::String(found) + " new",
                                                    juce::dontSendNotification);
                        });
}

void ChainPanel::timerCallback()
{
    if (core.host.isScanning())
        scanLabel.setText("Scanning " + core.host.scanProgress(), juce::dontSendNotification);
}

void ChainPanel::showAddMenu()
{
    juce::PopupMenu menu;
    const auto types = core.host.knownPlugins().getTypes();
    for (int i = 0; i < types.size(); ++i)
        menu.addItem(i + 1, types[i].name + "  (" + types[i].pluginFormatName + ")");
    if (types.isEmpty())
        menu.addItem(-1, "No plugins known: scan first", false);
    menu.showMenuAsync(juce::PopupMenu::Options().withTargetComponent(&addButton),
                       [safe = juce::Component::SafePointer<ChainPanel>(this), types](int result)
                       {
                           if (safe == nullptr || !juce::isPositiveAndBelow(result - 1, types.size()))
                               return;
                           const auto error = safe->core.addPlugin(types[result - 1]);
                           if (error.isNotEmpty())
                               safe->scanLabel.setText("Could not load " + types[result - 1].name + ": " + error,
                                                       juce::dontSendNotification);
                           safe->refresh();
                           safe->list.selectRow(safe->core.chain.size() - 1);
                       });
}

void ChainPanel::openEditor(int index)
{
    auto* processor = core.chain.processor(index);
    if (processor == nullptr)
        return;
    auto& window = editors[processor];
    if (window == nullptr)
        window = std::make_unique<EditorWindow>(*this, *processor);
    window->toFront(true);
}

void ChainPanel::closeEditor(juce::AudioProcessor* processor)
{
    if (processor == nullptr)
        return;
    editors.erase(processor);
    core.saveChain();
}

int ChainPanel::getNumRows()
{
    return core.chain.size();
}

void ChainPanel::paintListBoxItem(int row, juce::Graphics& g, int width, int height, bool selected)
{
    if (!juce::isPositiveAndBelow(row, core.chain.size()))
        return;
    const auto description = core.chain.description(row);
    const bool bypassed = core.chain.isBypassed(row);
    if (selected)
        g.fillAll(juce::Colour(0xff34495e));
    g.setColour(juce::Colours::grey);
    g.setFont(13.0f);
    g.drawText(juce::String(row + 1), 8, 0, 20, height, juce::Justification::centredLeft);
    g.setColour(bypassed ? juce::Colours::grey : juce::Colours::white);
    g.setFont(juce::Font(14.0f, bypassed ? juce::Font::italic : juce::Font::plain));
    g.drawText(description.name, 30, 0, width - 160, height, juce::Justification::centredLeft);
    g.setColour(bypassed ? juce::Colour(0xfff39c12) : juce::Colours::grey);
    g.setFont(12.0f);
    g.drawText(bypassed ? "BYPASSED" : description.pluginFormatName, width - 128, 0, 120, height,
               juce::Justification::centredRight);
}

void ChainPanel::paint(juce::Graphics& g)
{
    g.setColour(juce::Colours::white);
    g.setFont(juce::Font(15.0f, juce::Font::bold));
    g.drawText("Insert chain  (input -> plugins -> recorder)", getLocalBounds().removeFromTop(24),
               juce::Justification::centredLeft);
}

void ChainPanel::resized()
{
    auto area = getLocalBounds();
    area.removeFromTop(26);
    scanLabel.setBounds(area.removeFromBottom(22));
    auto buttons = area.removeFromBottom(30);
    const int width = buttons.getWidth() / 7;
    for (auto* button : {&addButton, &removeButton, &upButton, &downButton, &bypassButton, &editButton})
        button->setBounds(buttons.removeFromLeft(width).reduced(2));
    scanButton.setBounds(buttons.reduced(2));
    area.removeFromBottom(4);
    list.setBounds(area);
}

} // namespace capstan::app
