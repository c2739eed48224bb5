/**
 * Why a chat channel whose question was never posted is left out: the
 * instance launching the poll died before posting it, and whoever took the
 * run over had too little time left to ask (or the run ended first).
 */
export const NOT_ASKED_IN_TIME =
  'The question was not posted: the instance launching the poll stopped first, ' +
  'and too little time was left to ask it.'
