#include "sweep/sweeper.h"

namespace mosaic::internal {

void Sweeper::Start(bool minor) {
  spaces_.blocks().StartLazySweep(minor);
  spaces_.large().StartLazySweep();
}

bool Sweeper::SweepSome(int blocks) {
  spaces_.large().SweepIfPending();
  for (int i = 0; i < blocks; ++i) {
    if (!spaces_.blocks().SweepOne()) return false;
  }
  return true;
}

void Sweeper::Finish() {
  spaces_.large().SweepIfPending();
  spaces_.blocks().FinishSweeping();
}

}  // namespace mosaic::internal
