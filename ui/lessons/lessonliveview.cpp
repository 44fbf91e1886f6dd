#include "lessonliveview.h"

#include "endpointgraph.h"
#include "systempipesmodel.h"

#include <pipescope/lessoncontext.h>
#include <pipescope/snapshotformat.h>

#include <QCoreApplication>

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace PipeScope::Ui {

namespace {

QLabel *liveLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    return label;
}

} // namespace

LessonLiveView::LessonLiveView(QWidget *parent)
    : QWidget(parent),
      m_monitor(new SystemMonitor(QStringLiteral("/proc"), this)),
      m_graph(new EndpointGraph(this)),
      m_headline(liveLabel(nullptr)),
      m_pipes(liveLabel(nullptr)),
      m_processes(liveLabel(nullptr)),
      m_open(new QPushButton(tr("Open in System page"), this))
{
    m_graph->setMinimumHeight(160);
    m_open->setEnabled(false);
    m_open->setToolTip(tr("Inspect the selected pipe on the System page: peek at its bytes, "
                          "every holder, pause its reader."));
    // Diagnostics can run to many lines (a deadlock names every process): the text scrolls
    // rather than being cut off.
    auto *texts = new QWidget;
    auto *textColumn = new QVBoxLayout(texts);
    textColumn->setContentsMargins(0, 0, 0, 0);
    textColumn->addWidget(m_pipes);
    textColumn->addWidget(m_processes);
    textColumn->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(texts);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setAccessibleName(tr("What the explorer sees"));
    m_side = new QWidget(this);
    auto *side = new QVBoxLayout(m_side);
    side->setContentsMargins(0, 0, 0, 0);
    side->addWidget(scroll, 1);
    side->addWidget(m_open, 0, Qt::AlignRight);
    m_headline->setObjectName(QStringLiteral("diagnosisHeadline"));
    m_headline->setAccessibleName(tr("The explorer's diagnosis"));
    m_headline->hide();
    auto *graphColumn = new QVBoxLayout;
    graphColumn->addWidget(m_headline);
    graphColumn->addWidget(m_graph, 1);
    m_row = new QHBoxLayout(this);
    m_row->setContentsMargins(0, 0, 0, 0);
    m_row->addLayout(graphColumn, 3);
    m_row->addWidget(m_side, 2);

    connect(m_graph, &EndpointGraph::pipeClicked, this, [this](const QString &key) {
        m_selectedPipe = key;
        m_graph->selectPipe(key);
        m_open->setEnabled(!key.isEmpty());
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (!m_selectedPipe.isEmpty())
            Q_EMIT openInSystemPage(m_selectedPipe);
    });
    m_monitor->setInterval(RefreshMs);
    PipeInterest everything; // a lesson has a few pipes: probe them all
    everything.all = true;
    m_monitor->setInterest(this, everything);
    connect(m_monitor, &SystemMonitor::updated, this, &LessonLiveView::showUpdate);
    showSnapshot();
}

MonitorScope LessonLiveView::scopeOf() const
{
    MonitorScope scope;
    scope.host = QCoreApplication::applicationPid();
    scope.pids = QList<qint64> { scope.host } + m_context->unreapedPids();
    scope.keep = m_context->pipeKeys();
    return scope;
}

void LessonLiveView::setContext(LessonContext *context)
{
    m_context = context;
    m_snapshot = SystemSnapshot();
    m_selectedPipe.clear();
    m_open->setEnabled(false);
    showSnapshot();
    if (!m_context) {
        m_monitor->stop();
        return;
    }
    m_monitor->setScope(scopeOf()); // a scan of the old lesson still running is dropped
    if (isVisible())
        m_monitor->start(); // and a scan now
}

void LessonLiveView::refresh()
{
    if (m_context)
        m_monitor->refreshNow();
}

void LessonLiveView::showUpdate(const MonitorUpdate &update)
{
    m_snapshot = update.snapshot;
    if (m_context)
        m_monitor->updateScope(scopeOf()); // children and pipes the lesson made since
    showSnapshot();
}

void LessonLiveView::showSnapshot()
{
    QList<const PipeInfo *> pipes;
    for (const PipeInfo &pipe : std::as_const(m_snapshot.pipes))
        pipes << &pipe;
    const int processesBefore = m_graph->processCount();
    const int pipesBefore = m_graph->pipeCount();
    m_graph->setSnapshot(m_snapshot, pipes);
    if (m_graph->processCount() != processesBefore || m_graph->pipeCount() != pipesBefore)
        m_graph->fit(); // a pipe or process came or went: keep the whole lesson in view
    const bool selectedOpen = std::any_of(pipes.cbegin(), pipes.cend(), [this](const PipeInfo *pipe) {
        return SystemPipesModel::keyString(pipe->key) == m_selectedPipe;
    });
    m_open->setEnabled(selectedOpen);
    m_pipes->setText(pipesText());
    m_processes->setText(processesText());
    const QString diagnosis = mainDiagnosis(m_snapshot);
    // Large type has room for the verdict, not for its reasons: those follow in the pipes'
    // text beside the graph (and the tooltip).
    m_headline->setText(diagnosis.section(QStringLiteral(": "), 0, 0));
    m_headline->setToolTip(diagnosis);
    m_headline->setVisible(m_presentation && !diagnosis.isEmpty());
}

QString LessonLiveView::mainDiagnosis(const SystemSnapshot &snapshot)
{
    const Diagnostic *main = nullptr;
    for (const PipeInfo &pipe : snapshot.pipes) {
        for (const Diagnostic &diagnostic : pipe.diagnostics) {
            if (!main || diagnostic.severity > main->severity)
                main = &diagnostic;
        }
    }
    return main ? QStringLiteral("%1 %2").arg(SnapshotFormat::severityMark(main->severity), main->text) : QString();
}

void LessonLiveView::setPresentation(bool on, const QFont &textFont)
{
    m_presentation = on;
    // Read from the back of the room: larger still than the (already scaled) text.
    QFont large = textFont;
    large.setBold(true);
    if (large.pointSizeF() > 0)
        large.setPointSizeF(large.pointSizeF() * 1.3);
    else
        large.setPixelSize(qRound(large.pixelSize() * 1.3));
    m_headline->setFont(on ? large : textFont);
    m_headline->setVisible(on && !m_headline->text().isEmpty());
    // The graph is what the class watches: it takes the whole width, the diagnosis is above
    // it in large type (the pipes' text, in small type, is for the desk).
    m_side->setVisible(!on);
}

QString LessonLiveView::headlineText() const
{
    return m_headline->isHidden() ? QString() : m_headline->text();
}

QString LessonLiveView::pipesText() const
{
    QStringList lines;
    for (const PipeInfo &pipe : m_snapshot.pipes) {
        lines << QStringLiteral("%1  %2").arg(SnapshotFormat::pipeTitle(pipe),
                                              SnapshotFormat::fillText(pipe));
        for (const Diagnostic &diagnostic : pipe.diagnostics)
            lines << QStringLiteral("   %1 %2").arg(SnapshotFormat::severityMark(diagnostic.severity), diagnostic.text);
    }
    return lines.isEmpty() ? tr("(no pipes open)") : lines.join(u'\n');
}

QString LessonLiveView::processesText() const
{
    // Read now, not from the last scan: the panel's verdict quotes it the moment a step ends,
    // and a few children's stat and wchan are a handful of small reads.
    QStringList lines;
    for (qint64 pid : m_context ? m_context->unreapedPids() : QList<qint64>()) {
        const ProcessState state = ProcessState::read(pid);
        if (!state.isValid() || state.activity() == ProcessState::Activity::Zombie)
            continue;
        lines << tr("pid %1: %2 (state %3, wchan %4)")
                         .arg(pid)
                         .arg(state.text(), QChar::fromLatin1(state.state()),
                              state.wchan().isEmpty() ? tr("(none)") : state.wchan());
    }
    return lines.isEmpty() ? tr("(none running)") : lines.join(u'\n');
}

void LessonLiveView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_context)
        m_monitor->start(); // and a scan now
}

void LessonLiveView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_monitor->stop();
}

} // namespace PipeScope::Ui
