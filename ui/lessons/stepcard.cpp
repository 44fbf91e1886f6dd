#include "stepcard.h"

#include "lessonlabels.h"

#include <pipescope/lesson.h>

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace PipeScope::Ui {

StepCard::StepCard(QWidget *parent) : QWidget(parent)
{
    buildLayout();
    connect(m_reveal, &QPushButton::clicked, this, &StepCard::revealPrediction);
}

void StepCard::buildLayout()
{
    m_title = LessonLabels::caption(QString(), this);
    m_explanation = LessonLabels::paragraph(this);
    m_hint = LessonLabels::paragraph(this);
    m_hint->setText(tr("Make your own prediction first, then press Run step."));
    m_reveal = new QPushButton(tr("Show the prediction"), this);
    m_reveal->setAccessibleDescription(tr("Shows what the lesson predicts before the step runs"));
    m_prediction = LessonLabels::paragraph(this);
    m_machinePrediction = LessonLabels::paragraph(this);
    m_verdict = LessonLabels::caption(QString(), this);
    m_observed = LessonLabels::paragraph(this);
    m_why = LessonLabels::paragraph(this);

    auto *predicted = new QVBoxLayout;
    predicted->addWidget(LessonLabels::caption(tr("Prediction"), this));
    predicted->addWidget(m_hint);
    predicted->addWidget(m_reveal, 0, Qt::AlignLeft);
    predicted->addWidget(m_prediction);
    predicted->addWidget(m_machinePrediction);
    predicted->addStretch(1);
    auto *observed = new QVBoxLayout;
    observed->addWidget(LessonLabels::caption(tr("Observed"), this));
    observed->addWidget(m_verdict);
    observed->addWidget(m_observed);
    observed->addStretch(1);
    auto *sideBySide = new QGridLayout;
    sideBySide->addLayout(predicted, 0, 0);
    sideBySide->addLayout(observed, 0, 1);
    sideBySide->setColumnStretch(0, 1);
    sideBySide->setColumnStretch(1, 1);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_title);
    column->addWidget(m_explanation);
    column->addLayout(sideBySide);
    column->addWidget(m_why);
}

void StepCard::showStep(const Step &step, int index, int count, const Observation *observation)
{
    m_index = index;
    m_title->setText(tr("Step %1 of %2: %3").arg(index + 1).arg(count).arg(step.title));
    m_explanation->setText(step.explanation);
    m_prediction->setText(step.prediction);
    m_machinePrediction->setVisible(false);
    if (!observation) {
        showPrediction(index == m_revealedStep);
        m_verdict->setText(tr("Not run yet."));
        m_verdict->setPalette(palette());
        m_observed->clear();
        m_why->clear();
        return;
    }
    showPrediction(true);
    if (!observation->prediction.isEmpty()) {
        m_machinePrediction->setText(tr("On this machine: %1").arg(observation->prediction));
        m_machinePrediction->setVisible(true);
    }
    showVerdict(*observation);
}

void StepCard::setRunning()
{
    m_verdict->setText(tr("Running…"));
    m_verdict->setPalette(palette());
    m_observed->clear();
    m_why->clear();
}

void StepCard::revealPrediction()
{
    m_revealedStep = m_index;
    showPrediction(true);
}

void StepCard::showPrediction(bool shown)
{
    m_predictionShown = shown;
    m_prediction->setVisible(shown);
    m_hint->setVisible(!shown);
    m_reveal->setVisible(!shown);
}

void StepCard::showVerdict(const Observation &observation)
{
    m_verdict->setText(observation.matches ? tr("✓ as predicted")
                                           : tr("✗ the kernel did something else"));
    QPalette verdictPalette = m_verdict->palette();
    verdictPalette.setColor(QPalette::WindowText, observation.matches ? QColor(0x1b, 0x7f, 0x3a)
                                                                      : QColor(0xb0, 0x20, 0x20));
    m_verdict->setPalette(verdictPalette);
    m_observed->setText(observation.observed);
    m_why->setText(observation.why.isEmpty() ? QString() : tr("Why: %1").arg(observation.why));
}

QString StepCard::explanationText() const
{
    return m_explanation->text();
}

QString StepCard::predictionText() const
{
    return m_predictionShown ? m_prediction->text() : QString();
}

QString StepCard::observedText() const
{
    return m_observed->text();
}

QString StepCard::whyText() const
{
    return m_why->text();
}

QString StepCard::verdictText() const
{
    return m_verdict->text();
}

} // namespace PipeScope::Ui
