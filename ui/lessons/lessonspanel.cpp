#include "lessonspanel.h"

#include "endpointgraph.h"
#include "lessonlabels.h"
#include "lessonliveview.h"
#include "readingorder.h"
#include "stepcard.h"
#include "worksheetrecorder.h"

#include <pipescope/lessoncatalog.h>
#include <pipescope/lessoncontext.h>
#include <pipescope/lessonrunner.h>

#include <QCheckBox>
#include <QFileDialog>
#include <QMessageBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

namespace PipeScope::Ui {

namespace {

QString stepMarker(const QList<Observation> &observations, int index)
{
    if (index >= observations.size())
        return QStringLiteral("○");
    return observations.at(index).matches ? QStringLiteral("✓") : QStringLiteral("✗");
}

} // namespace

LessonsPanel::LessonsPanel(QWidget *parent) : QWidget(parent), m_baseFont(font())
{
    buildLayout();
    for (const Lesson &lesson : LessonCatalog::all()) {
        auto *item = new QListWidgetItem(lesson.title, m_lessons);
        item->setData(Qt::UserRole, lesson.id);
        item->setToolTip(lesson.summary);
    }
    connect(m_lessons, &QListWidget::currentRowChanged, this, &LessonsPanel::onLessonRowChanged);
    connect(m_steps, &QListWidget::currentRowChanged, this, [this](int row) {
        // Only steps already run (or the next one) may be shown: no peeking ahead.
        if (!m_busy && m_runner && row >= 0 && row <= stepsRun() && row != m_shown)
            showStep(row);
    });
    connect(m_next, &QPushButton::clicked, this, &LessonsPanel::next);
    connect(m_back, &QPushButton::clicked, this, &LessonsPanel::back);
    connect(m_runAll, &QPushButton::clicked, this, &LessonsPanel::runAll);
    connect(m_restart, &QPushButton::clicked, this, &LessonsPanel::restart);
    connect(m_save, &QPushButton::clicked, this, &LessonsPanel::askAndSaveWorksheet);
    connect(m_presentationBox, &QCheckBox::toggled, this, &LessonsPanel::setPresentationMode);
    connect(m_live, &LessonLiveView::openInSystemPage, this, &LessonsPanel::openInSystemPage);
    createClassroomKeys();
    if (m_lessons->count() > 0)
        m_lessons->setCurrentRow(0);
    updateButtons();
}

LessonsPanel::~LessonsPanel() = default; // the runner abandons a running step cleanly

void LessonsPanel::buildLayout()
{
    m_lessons = new QListWidget(this);
    m_lessons->setObjectName(QStringLiteral("lessonList"));
    m_lessons->setAccessibleName(tr("Lessons"));

    m_detail = new QWidget(this);
    QWidget *detail = m_detail;
    m_lessonTitle = LessonLabels::caption(QString(), detail);
    m_lessonSummary = LessonLabels::paragraph(detail);
    m_steps = new QListWidget(detail);
    m_steps->setMaximumHeight(140);
    m_steps->setAccessibleName(tr("Steps of this lesson"));
    m_card = new StepCard(detail);

    auto *column = new QVBoxLayout(detail);
    column->addWidget(m_lessonTitle);
    column->addWidget(m_lessonSummary);
    column->addWidget(m_steps);
    column->addWidget(m_card);
    column->addStretch(1);

    m_detailScroll = new QScrollArea(this);
    m_detailScroll->setWidget(detail);
    m_detailScroll->setWidgetResizable(true);
    m_detailScroll->setAccessibleName(tr("The lesson and its step"));

    auto *live = new QWidget(this);
    m_live = new LessonLiveView(live);
    // Fit may scroll, never shrink the words below the page's text (presentation mode too).
    m_live->graph()->setMinimumFitScale(1.0);
    auto *liveColumn = new QVBoxLayout(live);
    liveColumn->setContentsMargins(0, 0, 0, 0);
    liveColumn->addWidget(LessonLabels::caption(tr("This lesson's pipes and processes, live"), live));
    liveColumn->addWidget(m_live, 1);

    m_stepAndLive = new QSplitter(Qt::Vertical, this);
    QSplitter *stepAndLive = m_stepAndLive;
    stepAndLive->addWidget(m_detailScroll);
    stepAndLive->addWidget(live);
    stepAndLive->setStretchFactor(0, 1);
    stepAndLive->setStretchFactor(1, 1);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_lessons);
    splitter->addWidget(stepAndLive);
    splitter->setStretchFactor(1, 3);

    m_back = new QPushButton(tr("Back"), this);
    m_next = new QPushButton(tr("Run step"), this);
    m_runAll = new QPushButton(tr("Run all"), this);
    m_restart = new QPushButton(tr("Restart"), this);
    m_save = new QPushButton(tr("Save worksheet…"), this);
    m_save->setToolTip(tr("Saves this run as an HTML or Markdown worksheet: predictions, what the kernel did, "
                          "✓/✗, the numbers and a picture of the graph after each step"));
    m_worksheet = new WorksheetRecorder(this);
    m_presentationBox = new QCheckBox(tr("Presentation mode"), this);
    m_next->setDefault(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_presentationBox);
    buttons->addWidget(m_save);
    buttons->addStretch(1);
    for (QPushButton *button : {m_restart, m_back, m_runAll, m_next})
        buttons->addWidget(button);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);
    ReadingOrder::apply(this); // the step card and the live view are made before the lists
}

bool LessonsPanel::selectLesson(const QString &id)
{
    for (int row = 0; row < m_lessons->count(); ++row) {
        if (m_lessons->item(row)->data(Qt::UserRole).toString() == id) {
            if (row == m_lessons->currentRow())
                onLessonRowChanged(row); // a fresh run of the same lesson
            else
                m_lessons->setCurrentRow(row);
            return true;
        }
    }
    return false;
}

QString LessonsPanel::currentLessonId() const
{
    return m_runner ? m_runner->lesson().id : QString();
}

int LessonsPanel::stepsRun() const
{
    return m_runner ? m_runner->nextStep() : 0;
}

void LessonsPanel::onLessonRowChanged(int row)
{
    if (row < 0)
        return;
    const std::optional<Lesson> lesson
        = LessonCatalog::find(m_lessons->item(row)->data(Qt::UserRole).toString());
    if (!lesson)
        return;
    // A running step of the old lesson is abandoned: its children are killed and reaped.
    m_runner = std::make_unique<LessonRunner>(*lesson);
    m_busy = false;
    m_live->setContext(m_runner->context());
    connect(m_runner.get(), &LessonRunner::contextChanged, m_live,
            [this] { m_live->setContext(m_runner->context()); });
    connect(m_runner.get(), &LessonRunner::stepStarted, this, &LessonsPanel::onStepStarted);
    connect(m_runner.get(), &LessonRunner::stepFinished, this, &LessonsPanel::onStepFinished);
    m_lessonTitle->setText(lesson->title);
    m_lessonSummary->setText(lesson->summary);
    m_card->forgetReveals();
    m_worksheet->reset();
    m_steps->clear();
    for (const Step &step : lesson->steps)
        m_steps->addItem(step.title);
    showStep(0);
}

void LessonsPanel::next()
{
    if (m_busy || !m_runner || m_shown < 0)
        return;
    if (m_shown >= stepsRun())
        m_runner->runNextStep();
    else if (m_shown + 1 < m_runner->stepCount())
        showStep(m_shown + 1);
}

void LessonsPanel::back()
{
    if (!m_busy && m_shown > 0)
        showStep(m_shown - 1);
}

void LessonsPanel::runAll()
{
    if (m_busy || !m_runner || m_runner->atEnd())
        return;
    m_runner->runAll(); // each step is shown as it starts (onStepStarted)
}

void LessonsPanel::restart()
{
    if (!m_runner)
        return;
    m_runner->restart(); // also mid-step: that step is abandoned
    m_busy = false;
    m_card->forgetReveals();
    m_worksheet->reset();
    showStep(0);
}

void LessonsPanel::onStepStarted(int index)
{
    m_busy = true;
    showStep(index);
    m_card->setRunning();
    updateButtons();
}

void LessonsPanel::onStepFinished(int index, const Observation &observation)
{
    m_busy = false;
    if (m_runner->context())
        m_worksheet->stepFinished(index, *m_runner->context());
    showStep(index);
    Q_EMIT stepRan(index, observation.matches);
}

void LessonsPanel::showStep(int index)
{
    if (!m_runner || index < 0 || index >= m_runner->stepCount())
        return;
    m_shown = index;
    const Step &step = m_runner->lesson().steps.at(index);
    const QList<Observation> &observations = m_runner->observations();
    for (int i = 0; i < m_steps->count(); ++i) {
        m_steps->item(i)->setText(QStringLiteral("%1  %2. %3")
                                      .arg(stepMarker(observations, i))
                                      .arg(i + 1)
                                      .arg(m_runner->lesson().steps.at(i).title));
    }
    m_steps->setCurrentRow(index);
    m_card->showStep(step, index, m_runner->stepCount(),
                     index < observations.size() ? &observations.at(index) : nullptr);
    updateButtons();
    if (m_presentation)
        fitStepText();
    Q_EMIT stepShown(index);
}

void LessonsPanel::updateButtons()
{
    const bool ready = m_runner && !m_busy;
    const bool shownRan = ready && m_shown < stepsRun();
    m_next->setText(shownRan ? tr("Next") : tr("Run step"));
    m_next->setEnabled(ready && (!shownRan || m_shown + 1 < m_runner->stepCount()));
    m_back->setEnabled(ready && m_shown > 0);
    m_runAll->setEnabled(ready && !m_runner->atEnd());
    m_restart->setEnabled(m_runner && (m_busy || stepsRun() > 0)); // mid-step: abandons it
    m_steps->setEnabled(!m_busy);
    m_save->setEnabled(ready && stepsRun() > 0);
}

bool LessonsPanel::saveWorksheet(const QString &path, PipeScope::Error *error) const
{
    if (!m_runner || stepsRun() == 0) {
        *error = PipeScope::Error(tr("no step has run yet"));
        return false;
    }
    return m_worksheet->save(m_runner->lesson(), m_runner->observations(), path, error);
}

void LessonsPanel::askAndSaveWorksheet()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save worksheet"), currentLessonId() + QStringLiteral(".html"),
                                                      tr("HTML (*.html);;Markdown (*.md)"));
    PipeScope::Error error;
    if (!path.isEmpty() && !saveWorksheet(path, &error))
        QMessageBox::warning(this, tr("Save worksheet"), tr("The worksheet was not saved: %1").arg(error.message()));
}

QString LessonsPanel::explanationText() const
{
    return m_card->explanationText();
}

QString LessonsPanel::predictionText() const
{
    return m_card->predictionText();
}

QString LessonsPanel::observedText() const
{
    return m_card->observedText();
}

QString LessonsPanel::whyText() const
{
    return m_card->whyText();
}

QString LessonsPanel::verdictText() const
{
    return m_card->verdictText();
}

QString LessonsPanel::processesText() const
{
    return m_live->processesText();
}

} // namespace PipeScope::Ui
