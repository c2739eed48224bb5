import { storedDetail } from '#services/polls/channel_detail'

/**
 * Why a chat channel whose question was never posted is left out: the
 * instance launching the poll died before posting it, and whoever took the
 * run over had too little time left to ask (or the run ended first).
 */
export const NOT_ASKED_IN_TIME = storedDetail('not_asked_in_time')
