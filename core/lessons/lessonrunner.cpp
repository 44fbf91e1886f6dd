#include "lessonrunner.h"

#include "lessoncontext.h"
#include "lessonlogging.h"

#include <QJsonArray>
#include <QPointer>

namespace PipeScope {

LessonRunner::LessonRunner(const Lesson &lesson, QObject *parent)
    : QObject(parent), m_lesson(lesson), m_context(std::make_unique<LessonContext>())
{
    m_stepDeadline.setSingleShot(true);
    connect(&m_stepDeadline, &QTimer::timeout, this, [this] {
        finishStep(m_token, Observation::failure(QStringLiteral("the step did not finish within "
                                                               "%1 s")
                                                     .arg(StepTimeoutMs / 1000)));
    });
}

LessonRunner::~LessonRunner()
{
    // The context goes while this runner is still whole, and a step's StepDone that came
    // during its cleanup would be ignored.
    ++m_token;
    m_running = false;
    m_context.reset();
}

bool LessonRunner::allMatch() const
{
    return atEnd() && matchCount() == stepCount();
}

int LessonRunner::matchCount() const
{
    int count = 0;
    for (const Observation &observation : m_observations)
        count += observation.matches ? 1 : 0;
    return count;
}

bool LessonRunner::runNextStep()
{
    if (m_running || atEnd())
        return false;
    const int index = nextStep();
    m_running = true;
    const quint64 token = ++m_token;
    QPointer<LessonRunner> self(this);
    Q_EMIT stepStarted(index);
    if (!self || token != m_token)
        return false; // a slot destroyed or restarted the runner
    m_clock.start();
    m_stepDeadline.start(StepTimeoutMs);
    const StepDone done = [self, token](const Observation &observation) {
        if (self)
            self->finishStep(token, observation);
    };
    const Step &step = m_lesson.steps.at(index);
    if (step.run)
        step.run(*m_context, done);
    else
        done(Observation::failure(QStringLiteral("step has no run function")));
    return true;
}

void LessonRunner::finishStep(quint64 token, Observation observation)
{
    if (token != m_token || !m_running)
        return; // a second done(), or a step of an abandoned run
    const quint64 reported = ++m_token;
    m_stepDeadline.stop();
    observation.elapsedMs = m_clock.elapsed();
    const Step &step = m_lesson.steps.at(nextStep());
    qCDebug(lcLessons) << m_lesson.id << nextStep() << step.title << "->" << observation.observed
                       << (observation.matches ? "matches" : "differs") << observation.elapsedMs
                       << "ms";
    m_observations.append(observation);
    // Reported from the event loop, never from inside the step's own code: a slot may
    // destroy this runner and with it the context the step is still unwinding in.
    QMetaObject::invokeMethod(this, [this, reported] { reportStep(reported); },
                              Qt::QueuedConnection);
}

void LessonRunner::reportStep(quint64 token)
{
    if (token != m_token)
        return; // restart() came first
    m_running = false;
    const int index = nextStep() - 1;
    QPointer<LessonRunner> self(this);
    Q_EMIT stepFinished(index, m_observations.at(index));
    if (!self || token != m_token)
        return;
    if (atEnd()) {
        m_runAll = false;
        Q_EMIT finished(allMatch());
    } else if (m_runAll) {
        runNextStep();
    }
}

void LessonRunner::runAll()
{
    m_runAll = true;
    runNextStep();
}

void LessonRunner::restart()
{
    ++m_token; // whatever the abandoned step still reports is ignored
    m_running = false;
    m_runAll = false;
    m_stepDeadline.stop();
    m_context = std::make_unique<LessonContext>(); // the old one kills and reaps its children
    m_observations.clear();
    Q_EMIT contextChanged();
}

QJsonObject LessonRunner::toJson() const
{
    QJsonArray steps;
    for (int i = 0; i < m_observations.size(); ++i) {
        const Step &step = m_lesson.steps.at(i);
        const Observation &observation = m_observations.at(i);
        steps.append(QJsonObject {
            {QStringLiteral("index"), i + 1},
            {QStringLiteral("title"), step.title},
            {QStringLiteral("explanation"), step.explanation},
            {QStringLiteral("prediction"), step.prediction},
            {QStringLiteral("predictionOnThisMachine"), observation.prediction},
            {QStringLiteral("observed"), observation.observed},
            {QStringLiteral("matches"), observation.matches},
            {QStringLiteral("why"), observation.why},
            {QStringLiteral("elapsedMs"), observation.elapsedMs},
            {QStringLiteral("values"), QJsonObject::fromVariantMap(observation.values)},
        });
    }
    return QJsonObject {
        {QStringLiteral("id"), m_lesson.id},           {QStringLiteral("title"), m_lesson.title},
        {QStringLiteral("summary"), m_lesson.summary}, {QStringLiteral("stepCount"), stepCount()},
        {QStringLiteral("matches"), allMatch()},       {QStringLiteral("steps"), steps},
    };
}

} // namespace PipeScope
