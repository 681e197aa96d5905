// Entry point of dist/firmware/puckjs.js (stored on the device as Storage ".boot0").
import { startFirmware } from "../app/firmwareApp.js";
import { puckjsBoard } from "../board/puckjs.js";

startFirmware(puckjsBoard());
