// Entry point of dist/firmware/pixljs.js (stored on the device as Storage ".boot0").
import { startFirmware } from "../app/firmwareApp.js";
import { pixljsBoard } from "../board/pixljs.js";

startFirmware(pixljsBoard());
